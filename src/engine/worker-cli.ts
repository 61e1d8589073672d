/**
 * `npm run worker`: the embedded CPU worker on its own, supervised (restarted after
 * a `restart` control or a crash), with the bot's configuration (.env). Useful on a
 * second machine that shares the mailbox, or with STORYLOOM_LOCAL_WORKER=off in the bot.
 */
import { WorkerSupervisor } from './supervisor.ts';

const supervisor = new WorkerSupervisor();
supervisor.start();
const stop = () => void supervisor.stop().finally(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
