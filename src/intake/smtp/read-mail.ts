import { simpleParser, type HeaderValue } from "mailparser";

/** The parts of a received mail the intake uses. */
export interface ReceivedMail {
  subject: string;
  /** The text body (HTML converted when there is no text part). */
  text: string;
  date: Date | null;
  messageId: string | null;
  header(name: string): string | null;
  attachments: { contentType: string; filename: string | null; content: Buffer }[];
}

/**
 * Parses a whole mail with mailparser. Attachments come decoded (base64,
 * quoted-printable); inline parts with a file name count as attachments, as
 * some PBXs send the recording inline.
 */
export async function readMail(raw: Buffer): Promise<ReceivedMail> {
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  return {
    subject: mail.subject ?? "",
    text: mail.text ?? "",
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    messageId: mail.messageId ?? null,
    header: (name) => headerText(mail.headers.get(name.toLowerCase())),
    attachments: mail.attachments.map((a) => ({
      contentType: a.contentType,
      filename: a.filename ?? null,
      content: a.content,
    })),
  };
}

function headerText(value: HeaderValue | undefined): string | null {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(", ");
  return null;
}
