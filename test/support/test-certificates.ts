import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** One certificate and its key: file paths (for settings) and PEM contents (for clients). */
export interface CertificateFiles {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * A test CA and what it signed, made with `openssl` exactly as the README
 * shows: a server certificate for 127.0.0.1/localhost (also usable as a
 * client certificate, as both programs are each other's clients), a client
 * certificate, and a client certificate from a CA nobody trusts.
 */
export interface TestCertificates {
  readonly ca: CertificateFiles;
  readonly server: CertificateFiles;
  readonly client: CertificateFiles;
  readonly strangerClient: CertificateFiles;
  remove(): void;
}

/** Makes the CA and certificates in a fresh temporary directory (EC P-256: fast). */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), "pager-tls-"));
  const openssl = (...args: string[]): void => {
    execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  };
  const files = (name: string): CertificateFiles => {
    const certPath = path.join(dir, `${name}.crt`);
    const keyPath = path.join(dir, `${name}.key`);
    return { certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath) };
  };
  /** `openssl req` with a new unencrypted P-256 key in `<name>.key`, for the subject CN=`name`. */
  const request = (name: string, ...args: string[]): void => {
    openssl(
      "req",
      ...args,
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-subj",
      `/CN=${name}`,
    );
  };
  const newCa = (name: string): void => {
    request(name, "-x509", "-out", `${name}.crt`, "-days", "2");
  };
  const sign = (name: string, ca: string, extensions: string): void => {
    writeFileSync(path.join(dir, `${name}.ext`), extensions);
    request(name, "-out", `${name}.csr`);
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}.crt`,
      "-CAkey",
      `${ca}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    );
  };
  newCa("ca");
  newCa("stranger-ca");
  sign(
    "server",
    "ca",
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n",
  );
  sign("client", "ca", "extendedKeyUsage=clientAuth\n");
  sign("stranger-client", "stranger-ca", "extendedKeyUsage=clientAuth\n");
  return {
    ca: files("ca"),
    server: files("server"),
    client: files("client"),
    strangerClient: files("stranger-client"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
