namespace Matchmaker.Tests.Infrastructure;

/// <summary>
/// A waiter's scheduler that runs its tasks on the pool and notes the name of each thread that queued one: who woke
/// the waiter (a heavy lane's thread must never, see LaneScheduler).
/// </summary>
public sealed class RecordingScheduler : TaskScheduler
{
    public System.Collections.Concurrent.ConcurrentQueue<string?> QueuedFrom { get; } = new();

    protected override void QueueTask(Task task)
    {
        QueuedFrom.Enqueue(Thread.CurrentThread.Name);
        ThreadPool.UnsafeQueueUserWorkItem(_ => TryExecuteTask(task), null);
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks() => [];
}
