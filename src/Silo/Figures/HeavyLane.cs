using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Matchmaker.Silo.Figures;

public enum LaneStatus
{
    /// <summary>The result is there (computed now, or earlier on the same market version).</summary>
    Done,
    /// <summary>Admitted and computing, but not finished within the wait: ask again.</summary>
    Running,
    /// <summary>Not admitted: the caller has its share running, or the lane is full. Ask again after <c>RetryAfter</c>.</summary>
    Busy,
}

public sealed record LaneAnswer<T>(LaneStatus Status, T? Value, TimeSpan RetryAfter);

/// <summary>
/// Heavy work of the figures area (national re-match, sweep, what-if) in a lane of its own, per node. A computation runs on
/// the lane's own threads (<see cref="LaneScheduler"/>), so the .NET thread pool that serves requests, grain turns and
/// timers is never taken by it; at most <see cref="FiguresOptions.LaneCapacity"/> computations are admitted at once,
/// at most <see cref="FiguresOptions.PerCaller"/> of one caller, and everyone beyond gets <see cref="LaneStatus.Busy"/>
/// with a time to come back: nothing queues without end. A computation is known by its key, which names what it computes
/// and the <see cref="MarketVersion"/> it reads: a second request for the same key joins the computation in flight or
/// gets its result, so an unchanged market is never computed twice. The latest results are kept; failures are not.
/// </summary>
public sealed class HeavyLane : IDisposable
{
    /// <summary>Finished results kept for joining callers (one per key; older ones go first).</summary>
    public const int KeptResults = 64;

    private readonly FiguresOptions _options;
    private readonly ILogger<HeavyLane> _logger;
    private readonly LaneScheduler _scheduler;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _admittedOf = new(StringComparer.Ordinal);
    private int _admitted;
    private long _order;
    private double _averageSeconds = 0.5;

    private sealed record Entry(Task Task, long Order);

    public HeavyLane(FiguresOptions options, ILogger<HeavyLane> logger)
    {
        _options = options;
        _logger = logger;
        _scheduler = new LaneScheduler(options.LaneThreads);
    }

    /// <summary>
    /// The result of <paramref name="key"/>: known already, or computed now by <paramref name="compute"/> if the lane admits
    /// <paramref name="caller"/>. Waits at most <see cref="FiguresOptions.Wait"/> for it. A failure of the computation
    /// is thrown to everyone waiting for it.
    /// </summary>
    public async Task<LaneAnswer<T>> RunAsync<T>(string key, string caller, Func<Task<T>> compute, CancellationToken cancellationToken = default)
    {
        Task<T> task;
        lock (_gate)
        {
            // A failure is not a result, even in the moment before Finished takes it out: it is computed again.
            if (_results.TryGetValue(key, out var known) && !Failed(known.Task))
            {
                task = (Task<T>)known.Task;
            }
            else
            {
                if (_admitted >= _options.LaneCapacity || _admittedOf.GetValueOrDefault(caller) >= _options.PerCaller)
                    return new LaneAnswer<T>(LaneStatus.Busy, default, RetryAfterLocked());
                _admitted++;
                _admittedOf[caller] = _admittedOf.GetValueOrDefault(caller) + 1;
                // Queued on the lane's threads; every await inside continues there too. Its waiters hear of it from the hand-back thread.
                task = _scheduler.HandBack(Task.Factory.StartNew(() => ComputeAdmittedAsync(caller, compute), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap());
                _results[key] = new Entry(task, ++_order);
                _ = task.ContinueWith(done => Finished(key, done), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                ForgetOldLocked();
            }
        }
        return await WaitAsync(task, cancellationToken);
    }

    /// <summary>Waits (at most <see cref="FiguresOptions.Wait"/>) for a computation already known by its key; null when there is none.</summary>
    public async Task<LaneAnswer<T>?> JoinAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        Task<T> task;
        lock (_gate)
        {
            if (!_results.TryGetValue(key, out var known) || Failed(known.Task)) return null;
            task = (Task<T>)known.Task;
        }
        return await WaitAsync(task, cancellationToken);
    }

    /// <summary>Whether the key is computing or computed (a request for it costs nothing new).</summary>
    public bool Knows(string key)
    {
        lock (_gate) return _results.TryGetValue(key, out var known) && !Failed(known.Task);
    }

    /// <summary>How many computations are admitted now (running or waiting for a lane thread).</summary>
    public int Admitted
    {
        get { lock (_gate) return _admitted; }
    }

    private async Task<LaneAnswer<T>> WaitAsync<T>(Task<T> task, CancellationToken cancellationToken)
    {
        if (!task.IsCompleted)
        {
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var first = await Task.WhenAny(task, Task.Delay(_options.Wait, stopWaiting.Token));
            await stopWaiting.CancelAsync();
            if (first != task)
            {
                lock (_gate) return new LaneAnswer<T>(LaneStatus.Running, default, RetryAfterLocked());
            }
        }
        return new LaneAnswer<T>(LaneStatus.Done, await task, TimeSpan.Zero);
    }

    /// <summary>A computation that ended without a result: never joined, taken out by <see cref="Finished"/>.</summary>
    private static bool Failed(Task computation) => computation.IsFaulted || computation.IsCanceled;

    /// <summary>
    /// The computation, giving its caller's share back before its result can be seen: a caller who has its answer is
    /// never turned away by the run that gave it (a continuation of the result would run only after the caller might
    /// already have asked again, the lane's thread being the nicer one).
    /// </summary>
    private async Task<T> ComputeAdmittedAsync<T>(string caller, Func<Task<T>> compute)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await compute();
        }
        finally
        {
            lock (_gate)
            {
                _admitted--;
                if (--_admittedOf[caller] == 0) _admittedOf.Remove(caller);
                _averageSeconds = 0.8 * _averageSeconds + 0.2 * Stopwatch.GetElapsedTime(started).TotalSeconds;
            }
        }
    }

    private void Finished(string key, Task done)
    {
        // A failure is not a result: the next request computes again.
        lock (_gate)
        {
            if (!done.IsCompletedSuccessfully && _results.TryGetValue(key, out var entry) && entry.Task == done) _results.Remove(key);
        }
        if (done.Exception is { } failure) _logger.LogError(failure.InnerException ?? failure, "Heavy lane: {Key} failed", key);
    }

    /// <summary>When a refused caller may expect room: the lane's work ahead at the recent pace, 1 to 30 seconds.</summary>
    private TimeSpan RetryAfterLocked() =>
        TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(_averageSeconds * Math.Max(1, _admitted) / _options.LaneThreads), 1, 30));

    private void ForgetOldLocked()
    {
        var finished = _results.Where(r => r.Value.Task.IsCompleted).ToList();
        foreach (var (key, _) in finished.OrderBy(r => r.Value.Order).Take(Math.Max(0, finished.Count - KeptResults)))
            _results.Remove(key);
    }

    /// <summary>
    /// <paramref name="work"/> on the thread pool, for a computation in the lane that must not hold a lane thread while
    /// it waits (a write holding the database's writer turn). Never <c>Task.Run</c> from the lane: see <see cref="LaneScheduler"/>.
    /// </summary>
    public Task<T> OffLane<T>(Func<Task<T>> work) => _scheduler.OffLane(work);

    /// <inheritdoc cref="OffLane{T}"/>
    public Task OffLane(Func<Task> work) => _scheduler.OffLane(async () =>
    {
        await work();
        return true;
    });

    public void Dispose() => _scheduler.Dispose();
}
