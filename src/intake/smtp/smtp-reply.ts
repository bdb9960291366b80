/**
 * An error smtp-server turns into a reply: `responseCode` is the basic code;
 * smtp-server adds the enhanced status code it maps to it (RFC 3463, as
 * advertised in EHLO): 554 -> 5.6.0, 451 -> 4.3.0, 553 -> 5.1.3, 530 -> 5.7.0,
 * 535 -> 5.7.8. Replies to a refused connection carry none, so `enhanced`
 * puts one in the text there.
 */
export function smtpError(code: number, message: string, enhanced?: string): Error & { responseCode: number } {
  const err = new Error(enhanced ? `${enhanced} ${message}` : message) as Error & { responseCode: number };
  err.responseCode = code;
  return err;
}
