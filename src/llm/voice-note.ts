/**
 * Voice notes (issue 13 item 5): LINE audio (m4a) and Telegram voice (Ogg Opus) are kept as
 * attachments, with their SHA-256 like photos, and transcribed through the model endpoint; the
 * transcript is then the person's text. Only taken when the `transcribe` feature is on: otherwise a
 * voice note is answered, as before, with what the bot can take.
 */
import type { StoredFile } from '../conversation/reply.ts';
import type { FileStore } from '../store/file-store.ts';
import type { LlmClient } from './llm-client.ts';

/** The audio types a voice note may come in, told from the first bytes. */
export const VOICE_MIME = ['audio/ogg', 'audio/mp4', 'audio/mpeg', 'audio/wav', 'audio/webm'];

/** The type of a voice note from its magic bytes; undefined for anything else. */
export function sniffAudio(bytes: Uint8Array): string | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 16));
  const ascii = (from: number, to: number) => b.toString('latin1', from, to);
  if (b.length >= 4 && ascii(0, 4) === 'OggS') return 'audio/ogg';
  // ISO base media (m4a, LINE's audio): "ftyp" at offset 4.
  if (b.length >= 8 && ascii(4, 8) === 'ftyp') return 'audio/mp4';
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'audio/wav';
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'audio/webm';
  if (b.length >= 3 && (ascii(0, 3) === 'ID3' || (b[0] === 0xff && (b[1]! & 0xe0) === 0xe0))) return 'audio/mpeg';
  return undefined;
}

/** True when a configuration takes voice notes. */
export function takesVoiceNotes(config: { LLM_FEATURES: readonly string[] }): boolean {
  return config.LLM_FEATURES.includes('transcribe');
}

const EXTENSION: Record<string, string> = { 'audio/ogg': 'ogg', 'audio/mp4': 'm4a', 'audio/mpeg': 'mp3', 'audio/wav': 'wav', 'audio/webm': 'webm' };

/** A transcriber for the conversation: reads the stored file and asks the model; undefined on any failure. */
export function fileTranscriber(llm: LlmClient, files: FileStore): (file: StoredFile) => Promise<string | undefined> {
  return async (file) => {
    if (!file.mime.startsWith('audio/')) return undefined;
    const bytes = await files.read(file.path);
    return llm.transcribe(bytes, file.mime, `voice.${EXTENSION[file.mime] ?? 'bin'}`);
  };
}
