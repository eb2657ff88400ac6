/** What the SMTP listener hands over once DATA is complete; the app decides what to do with it. */
export interface AcceptedRecipient {
  /** RCPT TO address as the client wrote it. */
  address: string;
  /** E.164, with '+'. */
  number: string;
  dsn?: { notify?: string[]; orcpt?: string };
}

export interface IncomingMail {
  /** Envelope sender; '' for the null sender. */
  sender: string;
  recipients: AcceptedRecipient[];
  raw: Buffer;
  dsn?: { ret?: 'FULL' | 'HDRS'; envid?: string };
  client: { address: string; user?: string; tls: boolean };
}

/** Must resolve only once every recipient's job is durably stored; rejects with QueueError otherwise. */
export type Intake = (mail: IncomingMail) => Promise<{ txId: string }>;
