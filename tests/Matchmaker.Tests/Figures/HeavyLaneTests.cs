using Matchmaker.Silo.Figures;
using Microsoft.Extensions.Logging.Abstractions;

namespace Matchmaker.Tests.Figures;

/// <summary>The lane itself, without a host: where work runs, who is admitted, and that one key is computed once.</summary>
[Trait(Infrastructure.Lane.Name, Infrastructure.Lane.Fast)]
public sealed class HeavyLaneTests
{
    private static HeavyLane Lane(int capacity = 4, int perCaller = 1, double waitSeconds = 10) =>
        new(new FiguresOptions(LaneThreads: 1, LaneCapacity: capacity, PerCaller: perCaller, Wait: TimeSpan.FromSeconds(waitSeconds), WhatIfRunsPerRegionPerDay: 50),
            NullLogger<HeavyLane>.Instance);

    [Fact]
    public async Task Work_RunsOnTheLanesOwnThread_BeforeAndAfterItAwaits_NeverOnThePool()
    {
        using var lane = Lane();

        var answer = await lane.RunAsync("where", "caller", async () =>
        {
            var before = (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread);
            await Task.Delay(10);
            return (before, after: (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));
        });

        Assert.Equal(LaneStatus.Done, answer.Status);
        Assert.Equal(("heavy-lane-1", false), answer.Value.before);
        Assert.Equal(("heavy-lane-1", false), answer.Value.after);
    }

    [Fact]
    public async Task OnLinux_TheLanesThreadIsNicerThanTheRest_SoARequestWinsAContendedCore()
    {
        if (!OperatingSystem.IsLinux()) return; // elsewhere .NET maps Thread.Priority to the OS itself
        using var lane = Lane();

        var answer = await lane.RunAsync("nice", "caller", () => Task.FromResult(Niceness("thread-self")));

        Assert.Equal(Math.Min(19, Niceness("self") + 10), answer.Value);
    }

    /// <summary>
    /// The nice value of this thread ("thread-self") or of the process ("self", its first thread): field 19 of its stat
    /// file (the fields after the command's closing parenthesis start at 3).
    /// </summary>
    private static int Niceness(string whose) => int.Parse(File.ReadAllText($"/proc/{whose}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[16]);

    [Fact]
    public async Task TheLanesAnswer_IsQueuedToItsWaiter_NeverFromALaneThread_WhoseNewPoolWorkerWouldKeepTheLanesPriority()
    {
        using var lane = Lane();
        var waiter = new Infrastructure.RecordingScheduler();

        // The waiter's own scheduler records which thread queues each of its continuations, the answer's among them.
        var answer = await Task.Factory.StartNew(() => lane.RunAsync("handed", "caller", async () =>
        {
            await Task.Delay(20);
            return Thread.CurrentThread.Name;
        }), CancellationToken.None, TaskCreationOptions.None, waiter).Unwrap();

        Assert.Equal((LaneStatus.Done, "heavy-lane-1"), (answer.Status, answer.Value));
        Assert.True(waiter.QueuedFrom.Count >= 2, "the answer's continuation was not queued to the waiter's scheduler");
        Assert.DoesNotContain(waiter.QueuedFrom, name => name?.StartsWith("heavy-lane-") == true);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ANationalMarketsWork_SpreadFromTheLane_StaysOnTheLanesThreads_NeverThePools(int threads)
    {
        using var lane = new HeavyLane(new FiguresOptions(threads, 4, 1, TimeSpan.FromSeconds(30), 50), NullLogger<HeavyLane>.Instance);

        var answer = await lane.RunAsync("spread", "caller", () =>
        {
            var seen = new System.Collections.Concurrent.ConcurrentDictionary<(string?, bool), bool>();
            Matchmaker.Matching.Allocation.OnEveryCore.ForChildren(10_000, () => 0, (_, _, _) =>
            {
                seen[(Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread)] = true;
                Thread.SpinWait(20_000);
            });
            return Task.FromResult(seen.Keys.ToList());
        });

        Assert.NotEmpty(answer.Value!);
        Assert.All(answer.Value!, thread => Assert.Matches("^heavy-lane-[12]$", thread.Item1));
        Assert.DoesNotContain(answer.Value!, thread => thread.Item2);
    }

    [Fact]
    public async Task ACallerWithItsShareRunning_IsBusyWithATimeToComeBack_AndAdmittedAgainOnceItIsDone()
    {
        using var lane = Lane(capacity: 4, perCaller: 1);
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = lane.RunAsync("one", "municipality", () => gate.Task);

        var second = await lane.RunAsync("two", "municipality", () => Task.FromResult(2));
        var someoneElse = await lane.RunAsync("three", "other", () => Task.FromResult(3));
        gate.SetResult(1);
        await first;
        var again = await lane.RunAsync("two", "municipality", () => Task.FromResult(2));

        Assert.Equal(LaneStatus.Busy, second.Status);
        Assert.InRange(second.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        Assert.Equal((LaneStatus.Done, 3), (someoneElse.Status, someoneElse.Value));
        Assert.Equal((LaneStatus.Done, 2), (again.Status, again.Value));
    }

    [Fact]
    public async Task ACallerWithItsAnswer_IsAdmittedAgainAtOnce_NeverTurnedAwayByItsOwnFinishedRun()
    {
        using var lane = Lane(capacity: 1, perCaller: 1);
        var refused = 0;

        // The answer can reach its caller while the lane's (nicer) thread has yet to note the run as finished.
        for (var i = 0; i < 500; i++)
        {
            var answer = await lane.RunAsync($"first/{i}", "municipality", () => Task.FromResult(i));
            var next = await lane.RunAsync($"next/{i}", "municipality", () => Task.FromResult(i));
            if (answer.Status != LaneStatus.Done || next.Status != LaneStatus.Done) refused++;
        }

        Assert.Equal(0, refused);
        Assert.Equal(0, lane.Admitted);
    }

    [Fact]
    public async Task AFullLane_TurnsEveryNewKeyAway_InsteadOfQueueingIt()
    {
        using var lane = Lane(capacity: 2, perCaller: 1);
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new[] { lane.RunAsync("a", "first", () => gate.Task), lane.RunAsync("b", "second", () => gate.Task) };
        var computed = 0;

        var refused = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => lane.RunAsync($"c{i}", $"caller{i}", () => Task.FromResult(Interlocked.Increment(ref computed)))));
        var admitted = lane.Admitted;
        gate.SetResult(0);
        await Task.WhenAll(running);

        Assert.All(refused, answer => Assert.Equal(LaneStatus.Busy, answer.Status));
        Assert.Equal(0, computed);
        Assert.Equal(2, admitted);
        Assert.Equal(0, lane.Admitted);
    }

    [Fact]
    public async Task TwentyRequestsForOneKey_ComputeItOnce_AndAllGetItsResult()
    {
        using var lane = Lane(capacity: 1, perCaller: 1);
        var computed = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var answers = Enumerable.Range(0, 20).Select(_ => lane.RunAsync("rematch/42", "national", async () =>
        {
            await gate.Task;
            return Interlocked.Increment(ref computed);
        })).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(answers);

        Assert.Equal(1, computed);
        Assert.All(results, answer => Assert.Equal((LaneStatus.Done, 1), (answer.Status, answer.Value)));
        Assert.True(lane.Knows("rematch/42"));
    }

    [Fact]
    public async Task AComputationLongerThanTheWait_IsRunning_AndCanBeJoinedUntilItIsDone()
    {
        using var lane = Lane(waitSeconds: 0.2);
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = await lane.RunAsync("slow", "national", () => gate.Task);
        var joined = await lane.JoinAsync<string>("slow");
        gate.SetResult("done");
        var later = await lane.JoinAsync<string>("slow");
        var unknown = await lane.JoinAsync<string>("never-asked");

        Assert.Equal(LaneStatus.Running, first.Status);
        Assert.Equal(LaneStatus.Running, joined!.Status);
        Assert.Equal((LaneStatus.Done, "done"), (later!.Status, later.Value));
        Assert.Null(unknown);
    }

    [Fact]
    public async Task AFailure_ReachesItsCaller_AndIsNotKept_SoTheNextRequestComputesAgain()
    {
        using var lane = Lane();

        await Assert.ThrowsAsync<InvalidOperationException>(() => lane.RunAsync<int>("flaky", "caller", () => throw new InvalidOperationException("database gone")));
        var known = lane.Knows("flaky");
        var retried = await lane.RunAsync("flaky", "caller", () => Task.FromResult(7));

        Assert.False(known);
        Assert.Equal((LaneStatus.Done, 7), (retried.Status, retried.Value));
        Assert.Equal(0, lane.Admitted);
    }
}
