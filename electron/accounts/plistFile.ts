import type { Result } from '../../shared/result';
import { err } from '../../shared/result';
import type { ArchivedValue } from './keyedArchive';
import { decodeArchiveObject, looksLikeBinaryPlist, parseBinaryPlist } from './keyedArchive';

/**
 * Reads a property list file that may be binary (bplist00) or XML. XML is checked for
 * well-formedness first: the plist package's XML parser (xmldom) prints every syntax error to the
 * console before throwing, which would put noise on the CLI's stderr for a damaged file.
 *
 * The bytes come from files of any home folder (--home): their size is bounded where they are read
 * (electron/fileAccess.ts), and XML entity declarations are refused here. Apple's property lists never
 * declare entities; a file that does is either damaged or built to make a parser expand it.
 *
 * The XML libraries (plist, fast-xml-parser) are loaded only when an XML property list is read (plist's XML parser
 * and builder alone cost a start about 15 ms, and most runs read none: docs/benchmarks.md, "Cold start"); hence
 * asynchronous.
 */
export async function parsePlistFile(bytes: Uint8Array): Promise<Result<ArchivedValue, 'unreadable'>> {
  if (looksLikeBinaryPlist(bytes)) {
    const parsed = parseBinaryPlist(bytes);
    if (!parsed.ok) return err('unreadable', parsed.error.message);
    const plain = decodeArchiveObject(parsed.value);
    return plain.ok ? plain : err('unreadable', plain.error.message);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return err('unreadable', 'not a property list: neither binary nor UTF-8 XML');
  }
  if (/<!ENTITY/i.test(text)) return err('unreadable', 'not a property list: it declares XML entities');
  const [{ XMLValidator }, { parse: parseXmlPlist }] = await Promise.all([import('fast-xml-parser'), import('plist')]);
  const wellFormed = XMLValidator.validate(text);
  if (wellFormed !== true) return err('unreadable', `not a readable property list: ${wellFormed.err.msg} (line ${wellFormed.err.line})`);
  try {
    const plain = decodeArchiveObject(parseXmlPlist(text));
    return plain.ok ? plain : err('unreadable', plain.error.message);
  } catch (error) {
    return err('unreadable', `not a readable property list: ${error instanceof Error ? error.message : String(error)}`);
  }
}
