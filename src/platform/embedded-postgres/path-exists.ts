import { stat } from "node:fs/promises";
import { errorCode } from "./system-error-code.js";

/**
 * Whether something is at `file`. Only "missing" (ENOENT) is a no: any other failure, such as
 * a parent the process may not enter, is thrown rather than taken for absence.
 */
export async function pathExists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
}
