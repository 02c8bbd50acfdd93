using Request = Matchmaker.Matching.Request;
using FsCheck;
using FsCheck.Fluent;
using Matchmaker.Matching;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Matching;

[Trait(Lane.Name, Lane.Fast)]
public sealed class MatcherPropertyTests
{
    private static readonly Config Thorough = Config.QuickThrowOnFailure.WithMaxTest(3000);

    private static Arbitrary<int> Seeds => Gen.Choose(0, int.MaxValue - 1).ToArbitrary();

    [Fact]
    public void EveryResult_IsFeasible_ListsEveryRequestOnce_AndIsDeterministic() =>
        Check.One(Thorough, Prop.ForAll(Seeds, seed =>
        {
            var instance = RandomInstances.Small(seed, siblings: true, maxRequests: 12, maxPlaces: 6);
            var result = Matcher.Solve(instance);
            var again = Matcher.Solve(instance);
            var allocation = result.Assignments.ToDictionary(a => a.Request, a => a.Place);

            var listed = result.Assignments.Select(a => a.Request).Concat(result.Unassigned.Select(u => u.Request)).ToList();
            return listed.Count == instance.Requests.Count
                && listed.Order().SequenceEqual(instance.Requests.Select(r => r.Id).Order())
                && ExhaustiveSolver.Evaluate(instance, allocation) is not null
                && InstanceJson.Serialize(result with { SolveMillis = 0 }) == InstanceJson.Serialize(again with { SolveMillis = 0 });
        }));

    [Fact]
    public void WithoutSiblings_TheResultIsOptimal_AgainstExhaustiveSearch() =>
        Check.One(Thorough, Prop.ForAll(Seeds, seed => IsOptimal(RandomInstances.Small(seed, siblings: false))));

    [Fact]
    public void WithSiblingGroups_TheResultIsOptimal_AgainstExhaustiveSearch() =>
        Check.One(Thorough, Prop.ForAll(Seeds, seed => IsOptimal(RandomInstances.Small(seed, siblings: true))));

    [Fact]
    public void TheReportedObjective_IsTheValueOfTheReportedAllocation() =>
        Check.One(Thorough, Prop.ForAll(Seeds, seed =>
        {
            var instance = RandomInstances.Small(seed, siblings: true);
            var result = Matcher.Solve(instance);
            var value = ExhaustiveSolver.Evaluate(instance, result.Assignments.ToDictionary(a => a.Request, a => a.Place))!;
            return result.Objective.AssignedByPriority.SequenceEqual([value.P1, value.P2, value.P3])
                && result.Objective.WaitingDays == value.Waiting
                && Math.Abs(result.Objective.DistanceKm - value.DistanceKm) < 1e-5;
        }));

    private static bool IsOptimal(MatchingInstance instance)
    {
        var result = Matcher.Solve(instance);
        var found = ExhaustiveSolver.Evaluate(instance, result.Assignments.ToDictionary(a => a.Request, a => a.Place));
        var best = ExhaustiveSolver.Best(instance);
        return found is not null && ExhaustiveSolver.Compare(found, best) == 0;
    }
}
