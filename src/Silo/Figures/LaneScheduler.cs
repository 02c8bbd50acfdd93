using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Matchmaker.Silo.Figures;

/// <summary>
/// A task scheduler with threads of its own: the heavy lane's work, and every continuation of it, runs here and never
/// on the .NET thread pool that serves requests, grain turns and timers. The queue holds at most what the lane admitted.
/// Its threads run at a lower priority than everything else in the process: when a request and the lane want the same
/// core, the request gets it.
/// </summary>
internal sealed class LaneScheduler : TaskScheduler, IDisposable
{
    /// <summary>How much nicer the lane threads are on Linux (19 is the lowest priority): at 10 more, a runnable request thread gets about 90 % of a contended core.</summary>
    private const int Nicer = 10;

    private readonly BlockingCollection<Task> _queue = new();
    private readonly Thread[] _threads;

    [ThreadStatic]
    private static bool _onLaneThread;

    public LaneScheduler(int threads)
    {
        // Below normal where .NET maps it to the OS (Windows); Linux ignores it, so there the thread lowers its own nice value.
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
        LowerLinuxPriority();
        foreach (var task in _queue.GetConsumingEnumerable()) TryExecuteTask(task);
    }

    public void Dispose() => _queue.CompleteAdding();

    /// <summary>Makes this thread nicer than the process (on Linux the nice value is per thread, and lowering it needs no privileges).</summary>
    private static void LowerLinuxPriority()
    {
        if (!OperatingSystem.IsLinux()) return;
        // "/proc/thread-self" links to "<pid>/task/<tid>": the kernel's id of this thread, which (get|set)priority take.
        if (new FileInfo("/proc/thread-self").LinkTarget is { } self && int.TryParse(Path.GetFileName(self), out var threadId))
            SetPriority(PriorityOfProcess, threadId, Math.Min(19, GetPriority(PriorityOfProcess, threadId) + Nicer));
    }

    private const int PriorityOfProcess = 0;

    // DllImport, not LibraryImport: the source-generated form needs unsafe code in the project for these two calls.
    [DllImport("libc", EntryPoint = "getpriority")]
    private static extern int GetPriority(int which, int who);

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int niceness);
}
