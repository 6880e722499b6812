import { csvFormatError } from './csv-format-error.js';

/** How many leading bytes are sniffed for signs of a binary file. */
const SNIFF_BYTES = 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Signatures of files people upload by mistake, with the advice to give. */
const KNOWN_BINARY_SIGNATURES: { bytes: number[]; advice: string }[] = [
  { bytes: [0xff, 0xfe], advice: 'the file is UTF-16 encoded; save it as UTF-8 CSV' },
  { bytes: [0xfe, 0xff], advice: 'the file is UTF-16 encoded; save it as UTF-8 CSV' },
  { bytes: [0x1f, 0x8b], advice: 'the file is gzip-compressed; decompress it first' },
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    advice: 'the file is a ZIP archive (or an Excel workbook); export it as CSV',
  },
  { bytes: [0x25, 0x50, 0x44, 0x46], advice: 'the file is a PDF, not CSV' },
];

export interface ByteGuardOptions {
  /** Stop with a `too-large` error once more bytes than this have been read. */
  maxBytes: number;
}

function startsWith(buffer: Uint8Array, bytes: number[]): boolean {
  return buffer.length >= bytes.length && bytes.every((byte, i) => buffer[i] === byte);
}

/** Whole-file checks that need only the first bytes: binary signatures, NUL bytes, emptiness. */
function checkHead(head: Buffer, isWholeFile: boolean): void {
  for (const signature of KNOWN_BINARY_SIGNATURES) {
    if (startsWith(head, signature.bytes))
      throw csvFormatError('binary', `Not a CSV file: ${signature.advice}.`);
  }
  const nul = head.subarray(0, SNIFF_BYTES).indexOf(0);
  if (nul >= 0) {
    throw csvFormatError(
      'binary',
      `Not a CSV file: it contains a NUL byte at byte ${nul + 1}, so it looks binary.`,
    );
  }
  if (isWholeFile) {
    const text = head.subarray(startsWith(head, UTF8_BOM) ? UTF8_BOM.length : 0).toString('utf8');
    if (text.trim() === '') throw csvFormatError('empty', 'The CSV file is empty.');
  }
}

/**
 * Decodes `input` as UTF-8 text (a leading BOM dropped) while checking the whole-file
 * properties a CSV tokenizer cannot: a binary file, text that is not UTF-8, an empty file, and
 * the size limit. The size is counted while streaming so an oversized upload is stopped
 * without being buffered. Each chunk is decoded once: the text yielded is the text checked.
 *
 * @throws a CSV format error (`invalid`)
 */
export async function* decodeCsvText(
  input: AsyncIterable<Buffer | string>,
  options: ByteGuardOptions,
): AsyncGenerator<string> {
  // fatal + stream: a character split across chunks is fine, an invalid sequence anywhere is
  // not. The default ignoreBOM: false drops a leading UTF-8 BOM.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytesRead = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let headChecked = false;

  const decode = (chunk: Buffer, offset: number, last: boolean): string => {
    try {
      return decoder.decode(chunk, { stream: !last });
    } catch {
      throw csvFormatError(
        'encoding',
        `Not UTF-8 text: invalid byte sequence within bytes ${offset + 1}–${offset + chunk.length}; save the file as UTF-8 CSV.`,
      );
    }
  };

  for await (const piece of input) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    if (chunk.length === 0) continue;
    const offset = bytesRead;
    bytesRead += chunk.length;
    if (bytesRead > options.maxBytes) {
      throw csvFormatError(
        'too-large',
        `The CSV file is larger than the limit of ${options.maxBytes} bytes.`,
      );
    }
    if (headChecked) {
      const text = decode(chunk, offset, false);
      if (text.length > 0) yield text;
      continue;
    }
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= SNIFF_BYTES) {
      const head = Buffer.concat(pending);
      checkHead(head, false);
      headChecked = true;
      pending = [];
      yield decode(head, 0, false);
    }
  }

  if (!headChecked) {
    const head = Buffer.concat(pending);
    checkHead(head, true);
    yield decode(head, 0, true);
  } else {
    const text = decode(Buffer.alloc(0), bytesRead, true);
    if (text.length > 0) yield text;
  }
}
