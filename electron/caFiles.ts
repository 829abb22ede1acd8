/**
 * Extra certificate authorities a check may trust (--ca-file: a self-hosted server's own CA). They add
 * trust; nothing turns verification off. A file must hold at least one certificate that parses: an empty
 * or garbage file would otherwise be accepted and then make every certificate look invalid, which sends the
 * user after a problem that is not there. Read like every file given on the command line (fileAccess.ts):
 * a regular file, at most 1 MiB (the whole system trust store is about 200 KiB).
 */
import { X509Certificate } from 'node:crypto';
import { describeError, readRegularFile } from './fileAccess';

export const MAX_CA_FILE_BYTES = 1024 * 1024;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/** Thrown for a CA file that cannot be used; the message names the file and says why (no content). */
export class CaFileError extends Error {
  override readonly name = 'CaFileError';
}

/** The certificates of one PEM file, as PEM text; throws CaFileError when there is none that parses. */
export async function readCaFile(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path, MAX_CA_FILE_BYTES);
  } catch (error) {
    throw new CaFileError(`the CA file ${path} could not be read (${describeError(error)})`);
  }
  const text = Buffer.from(bytes).toString('latin1');
  const blocks = (text.match(PEM_CERTIFICATE) ?? []).filter((block) => {
    try {
      new X509Certificate(block);
      return true;
    } catch {
      return false;
    }
  });
  if (blocks.length === 0) {
    throw new CaFileError(`the CA file ${path} holds no certificate that can be read (expected PEM: -----BEGIN CERTIFICATE----- ...)`);
  }
  return `${blocks.join('\n')}\n`;
}

export async function readCaFiles(paths: readonly string[]): Promise<string[]> {
  const pems: string[] = [];
  for (const path of paths) pems.push(await readCaFile(path));
  return pems;
}
