using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Matchmaker.Matching.Allocation;

/// <summary>
/// Work per child that depends on nothing but the child and what every child only reads (finding its candidates, its
/// edges), spread over the cores for a national market; a region's market is done on the caller's thread, where
/// starting the threads would cost more than they save.
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
        if (!spread || count < From || Environment.ProcessorCount == 1)
        {
            run(0, count, state());
            return;
        }
        // The thread pool's scheduler, not the caller's: inside a grain the current scheduler runs one task at a time.
        var options = new ParallelOptions { TaskScheduler = TaskScheduler.Default };
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
