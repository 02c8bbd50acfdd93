using Matchmaker.Matching;
using Matchmaker.Matching.Allocation;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Matching;

/// <summary>
/// The branch and bound over sibling groups starts every branch from its parent's flow. Solving each branch afresh
/// is the slow road to the same answer, so the two are compared on markets where many groups are split.
/// </summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class WarmStartTests
{
    [Fact]
    public void BranchesStartedFromTheirParentsFlow_ReachTheValueOfBranchesSolvedAfresh_OnMarketsWithManySplitGroups()
    {
        var branched = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            var instance = RandomInstances.Crowded(seed);
            var candidates = Candidates.Find(instance);
            var groups = SiblingGroups.Find(instance, candidates);

            var warm = Allocator.Allocate(instance, candidates, groups, warmStart: true, out var warmBranches);
            var fresh = Allocator.Allocate(instance, candidates, groups, warmStart: false, out _);

            var warmValue = ExhaustiveSolver.Evaluate(instance, AsAllocation(instance, warm));
            var freshValue = ExhaustiveSolver.Evaluate(instance, AsAllocation(instance, fresh));
            Assert.NotNull(warmValue);
            Assert.NotNull(freshValue);
            Assert.True(ExhaustiveSolver.Compare(warmValue, freshValue) == 0, $"seed {seed}: warm {warmValue}, afresh {freshValue}");
            if (warmBranches > 0) branched++;
        }
        // The comparison only means something where the search branched.
        Assert.True(branched >= 100, $"only {branched} of 200 markets split a sibling group");
    }

    [Fact]
    public void EveryFlowARepairBalanced_HasNoResidualArcWithANegativeReducedCost_AndKnowsTheValueOfItsPlaces_WhicheverHalfOfItsSearchesMovedItsPotentials()
    {
        var (balanced, invalid, updatedForward, updatedBackward, misvalued) = (0, 0, 0, 0, 0);
        RepairableFlow.Balanced = flow =>
        {
            balanced++;
            if (!flow.PotentialsAreValid()) invalid++;
            // The bound of a branch is read off the flow's running value, not summed over the part.
            if (!flow.PlacedValueIsExact()) misvalued++;
            if (flow.SearchesUpdatingForward > 0) updatedForward++;
            if (flow.SearchesUpdatingBackward > 0) updatedBackward++;
        };
        try
        {
            for (var seed = 0; seed < 200; seed++)
            {
                var instance = RandomInstances.Crowded(seed);
                var candidates = Candidates.Find(instance);
                Allocator.Allocate(instance, candidates, SiblingGroups.Find(instance, candidates), warmStart: true, out _);
            }
        }
        finally
        {
            RepairableFlow.Balanced = null;
        }

        Assert.Equal(0, invalid);
        Assert.Equal(0, misvalued);
        // Both halves of the searches must have moved potentials, or the check says nothing about one of them.
        Assert.True(updatedForward >= 100 && updatedBackward >= 100,
            $"{balanced} flows balanced: {updatedForward} with potentials moved by a forward half, {updatedBackward} by a backward half");
    }

    private static Dictionary<string, string> AsAllocation(MatchingInstance instance, int[] placeOf) =>
        Enumerable.Range(0, placeOf.Length).Where(r => placeOf[r] >= 0)
            .ToDictionary(r => instance.Requests[r].Id, r => instance.Places[placeOf[r]].Id);
}
