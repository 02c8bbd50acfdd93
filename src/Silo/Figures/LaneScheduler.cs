using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Matchmaker.Silo.Figures;

/// <summary>
/// A task scheduler with threads of its own: the heavy lane's work, and every continuation of it, runs here and never
/// on the .NET thread pool that serves requests, grain turns and timers.
/// Its threads run at a lower priority than everything else in the process: when a request and the lane want the same
/// core, the request gets it.
/// <para>
/// On Linux a new thread inherits the priority of the thread that starts it, and the .NET thread pool starts a worker on
/// the thread that queues work when none is free: a lane thread that queued work to the pool could leave a worker at
/// the lane's priority serving requests for the rest of its life. So the lane's threads never queue to the pool
/// themselves: what the lane hands to the rest of the process (a result, a write off the lane) goes through
/// <see cref="HandBack"/>, a thread with the priority of the thread that made the scheduler (at a node's start, the
/// process's). A write that others wait for never ends on a lane thread either: its waiters would be woken from there.
/// </para>
/// </summary>
internal sealed class LaneScheduler : TaskScheduler, IDisposable
{
    /// <summary>How much nicer the lane threads are on Linux (19 is the lowest priority): at 10 more, a runnable request thread gets about 90 % of a contended core.</summary>
    private const int Nicer = 10;

    private readonly BlockingCollection<Task> _queue = new();
    private readonly Thread[] _threads;
    private readonly BlockingCollection<Action> _handBacks = new();

    [ThreadStatic]
    private static bool _onLaneThread;

    public LaneScheduler(int threads)
    {
        // Below normal where .NET maps it to the OS (Windows); Linux ignores it, so there the thread lowers its own nice value.
        _threads = Enumerable.Range(1, threads)
            .Select(i => new Thread(Work) { IsBackground = true, Name = $"heavy-lane-{i}", Priority = ThreadPriority.BelowNormal })
            .ToArray();
        foreach (var thread in _threads) thread.Start();
        new Thread(HandBackWork) { IsBackground = true, Name = "lane-hand-back" }.Start();
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the hand-back thread, which has the priority of the thread that made this
    /// scheduler: whatever the action queues to the thread pool is queued from there.
    /// </summary>
    public void HandBack(Action action)
    {
        try
        {
            _handBacks.Add(action);
        }
        catch (InvalidOperationException)
        {
            // The host is stopping: nothing is served any more, so the pool may have it.
            ThreadPool.UnsafeQueueUserWorkItem(_ => action(), null);
        }
    }

    /// <summary>
    /// <paramref name="onLane"/>'s outcome, seen by its waiters through the hand-back thread (their continuations are
    /// queued to the pool from there, never from a lane thread).
    /// </summary>
    public Task<T> HandBack<T>(Task<T> onLane)
    {
        var handed = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        onLane.ContinueWith(done => HandBack(() => handed.SetFromTask(done)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return handed.Task;
    }

    /// <summary>
    /// <paramref name="work"/> on the thread pool, started from the hand-back thread; for work the lane must not hold a
    /// lane thread for (a write that holds the database's writer turn).
    /// </summary>
    public Task<T> OffLane<T>(Func<Task<T>> work)
    {
        var started = new TaskCompletionSource<Task<T>>();
        // The caller's context (its activity, its logging scope) goes with the work, as Task.Run would have taken it.
        var context = ExecutionContext.Capture();
        HandBack(() =>
        {
            if (context is null) started.SetResult(Task.Run(work));
            else ExecutionContext.Run(context, _ => started.SetResult(Task.Run(work)), null);
        });
        return started.Task.Unwrap();
    }

    private void HandBackWork()
    {
        // Only this file's actions come here, and none of them throws: each hands over an outcome or starts a task.
        foreach (var action in _handBacks.GetConsumingEnumerable()) action();
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
        LowerLinuxPriority();
        foreach (var task in _queue.GetConsumingEnumerable()) TryExecuteTask(task);
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        _handBacks.CompleteAdding();
    }

    /// <summary>Makes this thread nicer than the process (on Linux the nice value is per thread, and lowering it needs no privileges).</summary>
    private static void LowerLinuxPriority()
    {
        if (!OperatingSystem.IsLinux()) return;
        // "/proc/thread-self" links to "<pid>/task/<tid>": the kernel's id of this thread, which (get|set)priority take.
        // Nicer than the process (its first thread, whose id is the process's), not than whichever thread made the lane.
        if (new FileInfo("/proc/thread-self").LinkTarget is { } self && int.TryParse(Path.GetFileName(self), out var threadId))
            SetPriority(PriorityOfProcess, threadId, Math.Min(19, GetPriority(PriorityOfProcess, Environment.ProcessId) + Nicer));
    }

    private const int PriorityOfProcess = 0;

    // DllImport, not LibraryImport: the source-generated form needs unsafe code in the project for these two calls.
    [DllImport("libc", EntryPoint = "getpriority")]
    private static extern int GetPriority(int which, int who);

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int niceness);
}
