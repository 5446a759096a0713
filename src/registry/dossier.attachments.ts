import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { conflict, InputProblem } from '../common/errors';
import { text, textProblem } from '../common/validate';
import { DossierAttachmentEntity } from './dossier.entity';
import type { AttachmentInput } from './registry.inputs';

/**
 * Attachments are kept in the database (bytea), within bounds checked under
 * the dossier's lock. A request body is at most 1 MiB (about 750 KiB of
 * file once base64-encoded), so a larger file is sent in parts: the first
 * part with the dossier, the rest through appendDossierAttachment.
 */
export const ATTACHMENT_LIMITS = {
  /** Bytes per file, all parts together. */
  fileBytes: 4 * 1024 * 1024,
  /** Bytes per dossier, every file of every version together. */
  dossierBytes: 8 * 1024 * 1024,
  filesPerDossier: 20,
} as const;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}(?:; ?[a-z0-9_-]+=[a-z0-9_.-]+)?$/i;
const TEXT_TYPE = 'text/plain; charset=utf-8';
const BINARY_TYPE = 'application/octet-stream';

export interface CheckedAttachment {
  name: string;
  mediaType: string;
  content: Buffer;
}

/** Standard base64 (with padding) to bytes; anything else is bad input rather than silently skipped characters. */
export function decodeBase64(field: string, value: string): Buffer {
  const v = value.replace(/\s+/g, '');
  if (!BASE64.test(v)) throw new InputProblem(field, 'must be standard base64 with padding');
  return Buffer.from(v, 'base64');
}

/** A text attachment, byte for byte (not trimmed, unlike text fields), but with the same character rules as prose. */
function textContent(field: string, value: string): Buffer {
  const problem = textProblem(value, 'free');
  if (problem) throw new InputProblem(field, problem);
  return Buffer.from(value, 'utf8');
}

/** Checks and decodes the attachments of one submission; the sizes are checked again against what the dossier holds. */
export function checkAttachments(list: AttachmentInput[] | null | undefined, field: string): CheckedAttachment[] {
  if (!list?.length) return [];
  if (list.length > ATTACHMENT_LIMITS.filesPerDossier) throw new InputProblem(field, `must have at most ${ATTACHMENT_LIMITS.filesPerDossier} items`);
  return list.map((a, i) => {
    const f = `${field}[${i}]`;
    const name = text(`${f}.name`, a.name, { max: 255 });
    if (/[/\\]/.test(name)) throw new InputProblem(`${f}.name`, 'must be a file name without / or \\');
    const hasText = a.text != null;
    const hasContent = a.contentBase64 != null;
    if (hasText === hasContent) throw new InputProblem(f, 'must give exactly one of text and contentBase64');
    const content = hasText ? textContent(`${f}.text`, a.text!) : decodeBase64(`${f}.contentBase64`, a.contentBase64!);
    if (!content.length) throw new InputProblem(f, 'must not be empty');
    if (content.length > ATTACHMENT_LIMITS.fileBytes) throw new InputProblem(f, `must be at most ${ATTACHMENT_LIMITS.fileBytes} bytes`);
    let mediaType = hasText ? TEXT_TYPE : BINARY_TYPE;
    if (a.mediaType != null) {
      mediaType = text(`${f}.mediaType`, a.mediaType, { max: 127 }).toLowerCase();
      if (!MEDIA_TYPE.test(mediaType)) throw new InputProblem(`${f}.mediaType`, 'must be a media type such as application/pdf');
    }
    return { name, mediaType, content };
  });
}

/** What the dossier already holds: bytes and files. */
async function usage(m: EntityManager, dossierId: string): Promise<{ bytes: number; files: number }> {
  const [row]: { bytes: string; files: string }[] = await m.query(
    'SELECT coalesce(sum(size), 0)::text AS bytes, count(*)::text AS files FROM dossier_attachments WHERE dossier_id = $1',
    [dossierId],
  );
  return { bytes: Number(row.bytes), files: Number(row.files) };
}

function checkTotals(field: string, have: { bytes: number; files: number }, addBytes: number, addFiles: number): void {
  if (have.files + addFiles > ATTACHMENT_LIMITS.filesPerDossier) {
    throw new InputProblem(field, `a dossier holds at most ${ATTACHMENT_LIMITS.filesPerDossier} attachments (it has ${have.files})`);
  }
  if (have.bytes + addBytes > ATTACHMENT_LIMITS.dossierBytes) {
    throw new InputProblem(field, `a dossier holds at most ${ATTACHMENT_LIMITS.dossierBytes} bytes of attachments (it has ${have.bytes})`);
  }
}

/** Stores checked attachments of a locked dossier, within its totals. */
export async function storeAttachments(m: EntityManager, dossierId: string, version: number, list: CheckedAttachment[], createdBy: string, field: string): Promise<string[]> {
  if (!list.length) return [];
  checkTotals(field, await usage(m, dossierId), list.reduce((n, a) => n + a.content.length, 0), list.length);
  const ids: string[] = [];
  for (const a of list) {
    const r = await m.insert(DossierAttachmentEntity, {
      dossierId,
      version,
      name: a.name,
      mediaType: a.mediaType,
      size: a.content.length,
      sha256: createHash('sha256').update(a.content).digest('hex'),
      content: a.content,
      createdBy,
    });
    ids.push(String(r.identifiers[0].id));
  }
  return ids;
}

/** Appends a part to a stored attachment of a locked dossier, within the file's and the dossier's limits. */
export async function appendToAttachment(m: EntityManager, att: DossierAttachmentEntity, part: Buffer, field: string): Promise<void> {
  if (!part.length) throw new InputProblem(field, 'must not be empty');
  if (att.size + part.length > ATTACHMENT_LIMITS.fileBytes) throw new InputProblem(field, `a file may be at most ${ATTACHMENT_LIMITS.fileBytes} bytes (it has ${att.size})`);
  checkTotals(field, await usage(m, att.dossierId), part.length, 0);
  // UPDATE answers [rows, count] through TypeORM.
  const [rows]: [{ size: number }[], number] = await m.query(
    `UPDATE dossier_attachments SET content = content || $2::bytea, size = size + length($2::bytea), sha256 = encode(sha256(content || $2::bytea), 'hex')
      WHERE id = $1 RETURNING size`,
    [att.id, part],
  );
  if (!rows.length) throw conflict('the attachment changed while appending');
}
