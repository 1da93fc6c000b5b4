/**
 * The nolock-bench entry point: run the command line (run-cli.ts) and exit
 * with its code. Exit codes: 0 ok, 1 a regression against --baseline, 2 bad
 * input (one line naming the file and the field; the stack only with
 * --verbose), 130 interrupted, 3 an internal error.
 */
import { hideBin } from 'yargs/helpers';
import { runCli } from './run-cli.ts';

runCli(hideBin(process.argv)).then((code) => process.exit(code));
