/** The API method names the fake counts and can fail on purpose. */
export type MethodName =
  | 'files.create'
  | 'files.get'
  | 'files.get.media'
  | 'files.list'
  | 'files.update'
  | 'files.upload.chunk' // a PUT to a resumable upload's session URI: a chunk or a status query
  | 'files.delete'
  | 'files.generateIds'
  | 'changes.list'
  | 'changes.getStartPageToken'
  | 'about.get'
  | 'drives.get'
  | 'token';

/** Every method name, for validating control requests. */
export const METHOD_NAMES: readonly MethodName[] = [
  'files.create',
  'files.get',
  'files.get.media',
  'files.list',
  'files.update',
  'files.upload.chunk',
  'files.delete',
  'files.generateIds',
  'changes.list',
  'changes.getStartPageToken',
  'about.get',
  'drives.get',
  'token',
];
