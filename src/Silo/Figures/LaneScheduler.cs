using System.Collections.Concurrent;

namespace Matchmaker.Silo.Figures;

/// <summary>
/// A task scheduler with threads of its own: the heavy lane's work, and every continuation of it, runs here and never
/// on the .NET thread pool that serves requests, grain turns and timers. The queue holds at most what the lane admitted.
/// </summary>
internal sealed class LaneScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = new();
    private readonly Thread[] _threads;

    [ThreadStatic]
    private static bool _onLaneThread;

    public LaneScheduler(int threads)
    {
        // Below normal where the platform honours it (Windows; Linux ignores it), so requests win a contended core.
        _threads = Enumerable.Range(1, threads)
            .Select(i => new Thread(Work) { IsBackground = true, Name = $"heavy-lane-{i}", Priority = ThreadPriority.BelowNormal })
            .ToArray();
        foreach (var thread in _threads) thread.Start();
    }

    public override int MaximumConcurrencyLevel => _threads.Length;

    protected override void QueueTask(Task task)
    {
        try
        {
            _queue.Add(task);
        }
        catch (InvalidOperationException)
        {
            // The host is stopping and the lane's threads are gone: finish the work on the pool rather than lose it.
            ThreadPool.UnsafeQueueUserWorkItem(_ => TryExecuteTask(task), null);
        }
    }

    // Never inline on a request thread that waits for lane work; a lane thread may run it at once.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => _onLaneThread && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        _onLaneThread = true;
        foreach (var task in _queue.GetConsumingEnumerable()) TryExecuteTask(task);
    }

    public void Dispose() => _queue.CompleteAdding();
}
