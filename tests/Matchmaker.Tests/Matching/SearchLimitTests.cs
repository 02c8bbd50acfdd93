using Matchmaker.Matching;
using Matchmaker.Matching.Allocation;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Matching;

/// <summary>
/// A solve's sibling search stops at a limit of work, so a dense market cannot hold its region for minutes. What it
/// returns then must still keep every rule, and what it says about the best allocation must be true.
/// </summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class SearchLimitTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3_000, 1)]
    [InlineData(3_000, 3)]
    public void ASearchStoppedAtItsLimit_KeepsEveryRule_AndTheBestAllocationLiesBetweenWhatItFoundAndItsBound(long work, int markets)
    {
        var stopped = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            // Several markets far apart are independent parts of one: the later ones are searched with what the earlier left.
            var instance = FarApart(Enumerable.Range(0, markets).Select(m => RandomInstances.Crowded(seed + 1_000 * m)).ToArray());
            var candidates = Candidates.Find(instance);
            var groups = SiblingGroups.Find(instance, candidates);
            var limit = new SearchLimit(work);

            var limited = Allocator.Allocate(instance, candidates, groups, warmStart: true, out _, limit: limit);
            var best = Allocator.Allocate(instance, candidates, groups, warmStart: true, out _);

            Assert.NotNull(ExhaustiveSolver.Evaluate(instance, AsAllocation(instance, limited)));
            var (found, optimum) = (ValueOf(instance, candidates, limited), ValueOf(instance, candidates, best));
            if (limit.Shortfall is not { } shortfall)
            {
                Assert.True(found.CompareTo(optimum) == 0, $"seed {seed}: said to be best, but {found} is below {optimum}");
                continue;
            }
            stopped++;
            Assert.True(optimum.CompareTo(found + shortfall) <= 0, $"seed {seed}: the best allocation {optimum} lies above the bound {found + shortfall}");
        }
        // Only markets where the limit stopped the search test its bound.
        Assert.True(stopped >= 50, $"the limit stopped only {stopped} of 200 searches");
    }

    [Fact]
    public void ADenseMarketWithManySiblingGroups_IsStoppedAtTheDefaultLimit_SaysItIsNotProvenBest_AndGivesTheSameAnswerEveryTime()
    {
        // Scarce places for every child within reach of hundreds of them and many sibling groups in one part: unlimited,
        // this search ran for more than five minutes.
        var instance = RandomInstances.National(seed: 1, children: 5_000);

        var first = Matcher.Solve(instance);
        var second = Matcher.Solve(instance);

        Assert.NotNull(first.BestPossible);
        var (reached, bound) = (first.Objective, first.BestPossible!);
        Assert.True(Lexicographic(bound).CompareTo(Lexicographic(reached)) >= 0, $"the bound {Describe(bound)} is below the allocation {Describe(reached)}");
        Assert.Equal(first.Assignments.Select(a => (a.Request, a.Place)), second.Assignments.Select(a => (a.Request, a.Place)));
        Assert.Equal(Describe(first.BestPossible!), Describe(second.BestPossible!));
    }

    [Fact]
    public void AMarketWhoseSiblingGroupsWereBranchedOnAndSearchedToTheEnd_SaysNothingAboutABound()
    {
        var instance = Enumerable.Range(0, 50).Select(RandomInstances.Crowded).First(market =>
        {
            var candidates = Candidates.Find(market);
            Allocator.Allocate(market, candidates, SiblingGroups.Find(market, candidates), warmStart: true, out var branches);
            return branches > 20;
        });

        var result = Matcher.Solve(instance);

        Assert.Null(result.BestPossible);
    }

    /// <summary>The markets side by side, each a degree of latitude (111 km) north of the one before, ids kept apart.</summary>
    private static MatchingInstance FarApart(MatchingInstance[] markets) => new(
        markets.SelectMany((m, i) => m.Places.Select(p => p with { Id = $"m{i}-{p.Id}", Lat = p.Lat + i })).ToList(),
        markets.SelectMany((m, i) => m.Requests.Select(r => r with
        {
            Id = $"m{i}-{r.Id}", Lat = r.Lat + i, SiblingGroup = r.SiblingGroup is { } group ? $"m{i}-{group}" : null,
        })).ToList(),
        markets[0].Policy);

    private static AllocationValue ValueOf(MatchingInstance instance, Candidate[][] candidates, int[] placeOf)
    {
        var value = default(AllocationValue);
        for (var r = 0; r < placeOf.Length; r++)
            if (placeOf[r] >= 0)
                value += AllocationValue.Of(instance.Requests[r].Priority, instance.Requests[r].WaitingDays,
                    AllocationValue.DistanceUnits(candidates[r].First(c => c.Place == placeOf[r]).DistanceKm));
        return value;
    }

    private static (int, int, int, long, double) Lexicographic(Objective o) =>
        (o.AssignedByPriority[0], o.AssignedByPriority[1], o.AssignedByPriority[2], o.WaitingDays, -o.DistanceKm);

    private static string Describe(Objective o) => $"{string.Join("/", o.AssignedByPriority)}, {o.WaitingDays} days, {o.DistanceKm} km";

    private static Dictionary<string, string> AsAllocation(MatchingInstance instance, int[] placeOf) =>
        Enumerable.Range(0, placeOf.Length).Where(r => placeOf[r] >= 0)
            .ToDictionary(r => instance.Requests[r].Id, r => instance.Places[placeOf[r]].Id);
}
