// The TypeORM CLI's data source (migration:generate / migration:run). The app builds its own through createDataSource.
import 'reflect-metadata';
import { createDataSource } from './src/api/data-source';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL must be set for the TypeORM CLI (e.g. postgres://postgres@127.0.0.1:5432/threatfed_dev)');

export default createDataSource(url);
