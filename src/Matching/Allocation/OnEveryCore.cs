using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Matchmaker.Matching.Allocation;

/// <summary>
/// Work per child that depends on nothing but the child and what every child only reads (finding its candidates, its
/// edges), spread over the cores for a national market; a region's market is done on the caller's thread, where
/// starting the threads would cost more than they save. Spread only over the threads of the caller's own scheduler.
/// </summary>
internal static class OnEveryCore
{
    /// <summary>Children from this many on are spread over the cores.</summary>
    internal const int From = 2_000;

    /// <summary>
    /// Calls <paramref name="run"/> with runs of the children 0 up to <paramref name="count"/> (from, to), each run with a
    /// working state of its thread's own (<paramref name="state"/> makes one per thread).
    /// </summary>
    public static void ForChildren<TState>(int count, Func<TState> state, Action<int, int, TState> run, bool spread = true)
    {
        // Over the pool, unless the caller is a thread of its own running its scheduler's task (a heavy lane): then over
        // that scheduler's threads, so the work keeps the lane's threads and priority (work queued to the pool from such
        // a thread would leave both). A grain's turn runs on the pool under a scheduler of one task at a time: the pool.
        var scheduler = Thread.CurrentThread.IsThreadPoolThread ? TaskScheduler.Default : TaskScheduler.Current;
        if (!spread || count < From || Environment.ProcessorCount == 1 || scheduler.MaximumConcurrencyLevel == 1)
        {
            run(0, count, state());
            return;
        }
        var options = new ParallelOptions { TaskScheduler = scheduler };
        var runs = Partitioner.Create(0, count, Math.Max(256, count / (8 * Environment.ProcessorCount)));
        try
        {
            Parallel.ForEach(runs, options, state, (range, _, own) =>
            {
                run(range.Item1, range.Item2, own);
                return own;
            }, _ => { });
        }
        catch (AggregateException failed) when (failed.InnerExceptions.Count > 0)
        {
            // What a child's work throws, as it would on one thread: a large market fails as a small one does.
            ExceptionDispatchInfo.Capture(failed.InnerExceptions[0]).Throw();
        }
    }
}
