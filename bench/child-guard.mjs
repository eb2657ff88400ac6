// Preloaded (node --import) into the relay processes that relay-split starts, so they cannot
// outlive the benchmark: when the bench process goes away (its IPC channel closes, even after a
// SIGKILL) the child stops itself the normal way (SIGTERM → app.stop()), and is forced out 5 s
// later; BENCH_CHILD_MAX_S bounds its whole life. Plain JavaScript: the children run dist/ without tsx.
const hardExit = (code) => setTimeout(() => process.exit(code), 5000).unref();

if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => {
    process.kill(process.pid, 'SIGTERM');
    hardExit(1);
  });
}
const maxSeconds = Number(process.env.BENCH_CHILD_MAX_S);
if (maxSeconds > 0) {
  setTimeout(() => {
    process.stderr.write(`bench child ${process.pid}: still running after ${maxSeconds} s, stopping\n`);
    process.kill(process.pid, 'SIGTERM');
    hardExit(3);
  }, maxSeconds * 1000).unref();
}
