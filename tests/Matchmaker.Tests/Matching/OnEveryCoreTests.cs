using System.Runtime.CompilerServices;
using Matchmaker.Matching.Allocation;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Matching;

/// <summary>
/// A national market's per-child work (candidates, edges) runs on every core, each thread with working lists and policy
/// answers of its own. What it finds must be what one thread finds, child by child, whatever thread took which child.
/// </summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class OnEveryCoreTests
{
    static OnEveryCoreTests()
    {
        // The test runner keeps the pool's few threads busy, so a spread run would be done by the caller alone, and the
        // comparison would show nothing about threads. A pool that starts threads at once lets the runs overlap.
        ThreadPool.GetMinThreads(out var workers, out var completion);
        ThreadPool.SetMinThreads(Math.Max(workers, 4 * Environment.ProcessorCount), completion);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ANationalMarketsCandidates_FoundOnEveryCore_AreThoseFoundOnOneThread(int seed)
    {
        // Large enough that the threads overlap: with a few thousand children the caller's thread does most runs alone.
        var instance = RandomInstances.National(seed, children: 12_000);

        var spread = Candidates.Find(instance);
        var alone = Candidates.Find(instance, spread: false);
        Assert.Equal(alone.Length, spread.Length);
        for (var r = 0; r < alone.Length; r++) Assert.Equal(alone[r], spread[r]);
        // The policy allows some places and not others: the comparison covers both answers.
        Assert.Contains(alone.SelectMany(c => c), c => !c.AllowedByPolicy);
        Assert.Contains(alone.SelectMany(c => c), c => c.AllowedByPolicy);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ANationalMarketsAllocation_WithItsEdgesBuiltOnEveryCore_IsTheOneBuiltOnOneThread(int seed)
    {
        var instance = RandomInstances.National(seed);
        Assert.True(instance.Requests.Count >= OnEveryCore.From);
        var candidates = Candidates.Find(instance, spread: false);
        var groups = SiblingGroups.Find(instance, candidates);

        var placedSpread = Allocator.Allocate(instance, candidates, groups, warmStart: true, out _);
        var placedAlone = Allocator.Allocate(instance, candidates, groups, warmStart: true, out _, spread: false);

        Assert.Equal(placedAlone, placedSpread);
        Assert.True(placedAlone.Count(p => p >= 0) > instance.Requests.Count / 4, "too few children placed for the comparison to mean much");
    }

    [Fact]
    public void EveryChild_IsGivenToExactlyOneRun_AndNoThreadsStateIsUsedByTwoThreadsAtOnce()
    {
        const int count = 10_000;
        var seen = new int[count];
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        var overlaps = 0;
        OnEveryCore.ForChildren(count, () => new StrongBox<int>(), (from, to, inUse) =>
        {
            threads[Environment.CurrentManagedThreadId] = true;
            if (Interlocked.Exchange(ref inUse.Value, 1) != 0) Interlocked.Increment(ref overlaps);
            for (var r = from; r < to; r++) Interlocked.Increment(ref seen[r]);
            // Long enough for another thread to take a run meanwhile.
            Thread.SpinWait(20_000);
            Volatile.Write(ref inUse.Value, 0);
        });
        Assert.All(seen, times => Assert.Equal(1, times));
        Assert.Equal(0, overlaps);
        Assert.True(threads.Count > 1 || Environment.ProcessorCount == 1, "a national market was done on one thread");
    }

    [Fact]
    public void WhatAChildsWorkThrows_ReachesTheCaller_AsItWouldFromOneThread()
    {
        var thrown = Assert.Throws<ArgumentException>(() => OnEveryCore.ForChildren(10_000, () => 0, (from, to, _) =>
        {
            if (from <= 7_000 && 7_000 < to) throw new ArgumentException("child 7000");
        }));
        Assert.Equal("child 7000", thrown.Message);
    }
}
