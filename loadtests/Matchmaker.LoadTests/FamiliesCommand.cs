using System.Diagnostics;
using Matchmaker.Matching;
using Matchmaker.Matching.Allocation;
using Matchmaker.Matching.Purchasing;

namespace Matchmaker.LoadTests;

/// <summary>
/// <c>families region|country [SEEDS] [RUNS]</c>: the matcher on SEEDS instances of a family (<see cref="MarketInstances.Family"/>),
/// each timed warm RUNS times (0: only the branch counts, one cold run each), so a figure holds for the family and not for one lucky instance. Region: the full solve
/// with explanations and the allocation alone. Country: the national re-match (one pool, allocation only) and the full
/// solve. Prints one line per seed, then the median and the worst of the seeds' medians.
/// </summary>
public static class FamiliesCommand
{
    private static readonly DateOnly AsOf = new(2026, 12, 3);

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("region" or "country" or "dense")) return 2;
        // The country family is matched as the national re-match (one pool); a region and the dense family as a region's round.
        var national = args[0] == "country";
        var seeds = args.Length > 1 ? int.Parse(args[1]) : 10;
        var runs = args.Length > 2 ? int.Parse(args[2]) : national ? 5 : 50;
        var (firstName, secondName) = national ? ("national re-match", "full solve") : ("full solve", "allocation alone");
        var first = new List<double>();
        var second = new List<double>();
        for (var seed = 1; seed <= seeds; seed++)
        {
            var (instance, drawn) = MarketInstances.Family(args[0], seed);
            if (runs == 0)
            {
                // Branch counts only: machine-independent, and quick to compare before and after a change of the search.
                var clock = Stopwatch.StartNew();
                var (placedOnly, branchesOnly) = Searched(national ? Pooled(instance) : instance);
                Console.Out.WriteLine($"seed {seed,2}: placed {placedOnly:N0}, {branchesOnly} ({clock.Elapsed.TotalMilliseconds:0} ms cold, one run); {drawn}");
                continue;
            }
            Func<object> one = national ? () => Pooling.Solve(instance, _ => "nl", AsOf) : () => Matcher.Solve(instance);
            Func<object> two = national ? () => Matcher.Solve(instance) : () => Matcher.Allocate(instance);
            WarmUp(one);
            var a = Median(Timed(runs, one));
            var b = Median(Timed(runs, two));
            first.Add(a);
            second.Add(b);
            var (placed, branches) = Searched(national ? Pooled(instance) : instance);
            Console.Out.WriteLine($"seed {seed,2}: {firstName} {a,8:0.00} ms, {secondName} {b,8:0.00} ms; " +
                $"{instance.Requests.Count:N0} children, {instance.Places.Count:N0} offerings, {drawn}; placed {placed:N0}, {branches}");
        }
        if (runs == 0) return 0;
        first.Sort();
        second.Sort();
        Console.Out.WriteLine($"{args[0]} family, {seeds} seeds, {runs} warm runs each: " +
            $"{firstName} median {Median(first):0.00} ms, worst {first[^1]:0.00} ms; {secondName} median {Median(second):0.00} ms, worst {second[^1]:0.00} ms; " +
            $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB");
        return 0;
    }

    /// <summary>
    /// How many children the allocation places, and how many branches its sibling groups took (the size of the search,
    /// machine-independent), within the solve's limit; and when the limit stopped it, how far its bound is above the allocation.
    /// </summary>
    private static (int Placed, string Branches) Searched(MatchingInstance instance)
    {
        var candidates = Candidates.Find(instance);
        var limit = new SearchLimit(SearchLimit.DefaultWork);
        var placeOf = Allocator.Allocate(instance, candidates, SiblingGroups.Find(instance, candidates), warmStart: true, out var branches, limit: limit);
        var stopped = limit.Shortfall is { } open
            ? $" (limit reached, not proven best: a better allocation would place {open.Priority1}/{open.Priority2}/{open.Priority3} more, " +
              $"wait {open.WaitingDays} days more, travel at most {-open.Distance / AllocationValue.DistanceUnitsPerKm:0.000} km less)"
            : "";
        return (placeOf.Count(p => p >= 0), $"{branches:N0} branches{stopped}, work {SearchLimit.DefaultWork - limit.WorkLeft:N0}");
    }

    /// <summary>The instance as the national re-match solves it: one pool, every place in it.</summary>
    private static MatchingInstance Pooled(MatchingInstance instance) => new(
        instance.Places.Select(p => p with { RegionId = "nl" }).ToList(),
        instance.Requests.Select(r => r with { RegionId = "nl" }).ToList(),
        new AllocationPolicy(AllowOutOfRegion: false, AllowNonContracted: true));

    /// <summary>Until the runtime has recompiled the hot code with full optimisation (tiered compilation): see <see cref="Silo.WarmCode"/>.</summary>
    private static void WarmUp(Func<object> run) =>
        Silo.WarmCode.Run(() => GC.KeepAlive(run()), atLeast: TimeSpan.FromSeconds(1), atMost: TimeSpan.FromSeconds(60));

    private static double[] Timed(int runs, Func<object> run)
    {
        var times = new double[runs];
        var clock = new Stopwatch();
        for (var i = 0; i < runs; i++)
        {
            clock.Restart();
            GC.KeepAlive(run());
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times;
    }

    private static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
