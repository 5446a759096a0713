import { Tlp } from '../../common/enums';

const TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** The official TLP 2.0 marking-definition ids (oasis-open/cti-stix-common-objects). */
export const TLP2_IDS: Readonly<Record<Tlp, string>> = {
  [Tlp.CLEAR]: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  [Tlp.GREEN]: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  [Tlp.AMBER]: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  [Tlp.AMBER_STRICT]: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  [Tlp.RED]: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

const LEVEL_NAMES: Readonly<Record<Tlp, string>> = {
  [Tlp.CLEAR]: 'clear', [Tlp.GREEN]: 'green', [Tlp.AMBER]: 'amber', [Tlp.AMBER_STRICT]: 'amber+strict', [Tlp.RED]: 'red',
};

/** Marking ids that mean a TLP level on import: TLP 2.0, TLP 1.0 (WHITE is CLEAR), and OpenCTI's AMBER+STRICT. */
export const MARKING_TLP: ReadonlyMap<string, Tlp> = new Map<string, Tlp>([
  ...Object.entries(TLP2_IDS).map(([tlp, id]) => [id, tlp as Tlp] as [string, Tlp]),
  ['marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', Tlp.CLEAR],
  ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', Tlp.GREEN],
  ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', Tlp.AMBER],
  ['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', Tlp.RED],
  ['marking-definition--826578e1-40ad-459f-bc73-ede076f81f37', Tlp.AMBER_STRICT],
]);

/** The TLP 2.0 marking-definition object for a level, exactly as OASIS publishes it. */
export function tlpMarking(tlp: Tlp): Record<string, unknown> {
  const level = LEVEL_NAMES[tlp];
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_IDS[tlp],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${level.toUpperCase()}`,
    extensions: { [TLP2_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: level } },
  };
}
