using Matchmaker.Matching;
using Matchmaker.Matching.Allocation;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Matching;

/// <summary>
/// The sibling groups' branch and bound branches on the split group whose split cost most and searches the best-bounded
/// branch first. Any order searches the same allocations, so the value must not move; the order is only there to take
/// fewer branches. Both are checked on markets where many groups are split, against the plain order (the best-ranked
/// split group, branches in a fixed order).
/// </summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class BranchOrderTests
{
    [Fact]
    public void BranchingOnTheCostliestSplitFirst_ReachesTheValueOfBranchingInRankingOrder_WithFewerBranchesOverall()
    {
        var (ordered, plain, branched) = (0, 0, 0);
        for (var seed = 0; seed < 200; seed++)
        {
            var instance = RandomInstances.Crowded(seed);
            var candidates = Candidates.Find(instance);
            var groups = SiblingGroups.Find(instance, candidates);

            var byCost = Allocator.Allocate(instance, candidates, groups, warmStart: true, out var byCostBranches);
            var inRank = Allocator.Allocate(instance, candidates, groups, warmStart: true, out var inRankBranches, inRankingOrder: true);

            var byCostValue = ExhaustiveSolver.Evaluate(instance, AsAllocation(instance, byCost));
            var inRankValue = ExhaustiveSolver.Evaluate(instance, AsAllocation(instance, inRank));
            Assert.NotNull(byCostValue);
            Assert.NotNull(inRankValue);
            Assert.True(ExhaustiveSolver.Compare(byCostValue, inRankValue) == 0, $"seed {seed}: by cost of split {byCostValue}, in ranking order {inRankValue}");
            ordered += byCostBranches;
            plain += inRankBranches;
            if (inRankBranches > 0) branched++;
        }
        Assert.True(branched >= 100, $"only {branched} of 200 markets split a sibling group");
        Assert.True(ordered < plain, $"branching by the cost of a split took {ordered} branches, in ranking order {plain}");
    }

    [Fact]
    public void OnSmallMarketsWithSiblings_BothOrders_FindTheExhaustiveOptimum()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var instance = RandomInstances.Small(seed, siblings: true);
            var candidates = Candidates.Find(instance);
            var groups = SiblingGroups.Find(instance, candidates);
            var best = ExhaustiveSolver.Best(instance);
            foreach (var inRankingOrder in new[] { false, true })
            {
                var placeOf = Allocator.Allocate(instance, candidates, groups, warmStart: true, out _, inRankingOrder);
                var value = ExhaustiveSolver.Evaluate(instance, AsAllocation(instance, placeOf));
                Assert.NotNull(value);
                Assert.True(ExhaustiveSolver.Compare(value, best) == 0, $"seed {seed}, in ranking order {inRankingOrder}: {value}, best {best}");
            }
        }
    }

    private static Dictionary<string, string> AsAllocation(MatchingInstance instance, int[] placeOf) =>
        Enumerable.Range(0, placeOf.Length).Where(r => placeOf[r] >= 0)
            .ToDictionary(r => instance.Requests[r].Id, r => instance.Places[placeOf[r]].Id);
}
