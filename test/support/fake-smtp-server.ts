import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** An email as the fake relay received it, its body decoded. */
export interface ReceivedEmail {
  readonly mailFrom: string;
  readonly rcptTo: string[];
  /** The user that authenticated (AUTH), "" when none did. */
  readonly user: string;
  /** True when the session was upgraded with STARTTLS before the message. */
  readonly secure: boolean;
  /** Header fields by lower-case name, unfolded. */
  readonly headers: ReadonlyMap<string, string>;
  /** The text body, transfer encoding undone, with \n line ends. */
  readonly text: string;
}

/** Credentials the fake accepts; tests configure the pager with these. */
export const SMTP_ACCOUNT = { user: "pager", pass: "smtp-secret-do-not-log" } as const;

/**
 * An SMTP relay on loopback (the `smtp-server` package) that requires AUTH,
 * offers STARTTLS with its built-in self-signed certificate (unless started
 * with `startTls: false`: then it has none and takes AUTH in clear), refuses
 * chosen recipients with 550 like a real relay, and keeps every message it
 * accepts and how many logins it was offered.
 */
export class FakeSmtpServer {
  readonly emails: ReceivedEmail[] = [];
  /** Addresses refused at RCPT TO with a permanent 550. */
  readonly refusedRecipients = new Set<string>();
  /** AUTH commands received, successful or not: a password sent in clear counts here. */
  authAttempts = 0;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  /** Starts on `port` (a free one when unset: a test that plays a relay coming back names its port). */
  static async start(options: { startTls?: boolean; port?: number } = {}): Promise<FakeSmtpServer> {
    let fake: FakeSmtpServer | undefined;
    const plaintext = options.startTls === false;
    const server = new SMTPServer({
      logger: false,
      disableReverseLookup: true,
      ...(plaintext ? { disabledCommands: ["STARTTLS"], allowInsecureAuth: true } : {}),
      onAuth(auth, _session, callback) {
        if (fake !== undefined) fake.authAttempts += 1;
        if (auth.username === SMTP_ACCOUNT.user && auth.password === SMTP_ACCOUNT.pass) {
          callback(null, { user: auth.username });
        } else {
          callback(new Error("Invalid username or password"));
        }
      },
      onRcptTo(address, _session, callback) {
        if (fake?.refusedRecipients.has(address.address)) {
          const refusal = Object.assign(
            new Error(`<${address.address}>: Recipient address rejected: User unknown`),
            { responseCode: 550 },
          );
          callback(refusal);
        } else {
          callback();
        }
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          fake?.emails.push({
            mailFrom: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
            rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            user: typeof session.user === "string" ? session.user : "",
            secure: session.secure === true,
            ...parseMessage(Buffer.concat(chunks).toString("utf8")),
          });
          callback();
        });
      },
    });
    server.listen(options.port ?? 0, "127.0.0.1");
    await once(server.server, "listening");
    fake = new FakeSmtpServer(server, (server.server.address() as AddressInfo).port);
    return fake;
  }

  /** The environment that points the pager's email channel here (self-signed STARTTLS accepted). */
  env(from = "pager@example.com"): Record<string, string> {
    return FakeSmtpServer.envAt(this.port, from);
  }

  /** The same environment for a relay that will listen on `port`, started or not. */
  static envAt(port: number, from = "pager@example.com"): Record<string, string> {
    const { user, pass } = SMTP_ACCOUNT;
    return {
      PAGER_SMTP_URL: `smtp://${user}:${pass}@127.0.0.1:${port}?tls.rejectUnauthorized=false`,
      PAGER_MAIL_FROM: from,
    };
  }

  /** Emails accepted for one address. */
  sentTo(address: string): ReceivedEmail[] {
    return this.emails.filter((email) => email.rcptTo.includes(address));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function parseMessage(raw: string): Pick<ReceivedEmail, "headers" | "text"> {
  const normalized = raw.replace(/\r\n/g, "\n");
  const split = normalized.indexOf("\n\n");
  const head = normalized.slice(0, split).replace(/\n[ \t]+/g, " ");
  const headers = new Map<string, string>();
  for (const line of head.split("\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = normalized.slice(split + 2);
  return { headers, text: decodeBody(body, headers.get("content-transfer-encoding") ?? "7bit") };
}

function decodeBody(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case "base64":
      return Buffer.from(body, "base64").toString("utf8");
    case "quoted-printable": {
      const bytes = body
        .replace(/=\n/g, "")
        .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, "latin1").toString("utf8");
    }
    default:
      return body;
  }
}
