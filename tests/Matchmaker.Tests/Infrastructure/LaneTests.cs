using System.Reflection;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>Every test is in exactly one lane, so that running the lanes one by one runs every test once.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class LaneTests
{
    [Fact]
    public void EveryTest_IsInExactlyOneKnownLane()
    {
        var tests = typeof(LaneTests).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false })
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(method => method.IsDefined(typeof(FactAttribute), inherit: true))
                .Select(method => (Name: $"{type.Name}.{method.Name}", Lanes: LanesOf(type).Concat(LanesOf(method)).ToList())))
            .ToList();

        Assert.True(tests.Count > 100, $"only {tests.Count} tests found");
        Assert.Empty(tests.Where(test => test.Lanes.Count != 1 || !Lane.All.Contains(test.Lanes[0]))
            .Select(test => $"{test.Name}: {(test.Lanes.Count == 0 ? "no lane" : string.Join(", ", test.Lanes))}"));
    }

    private static IEnumerable<string> LanesOf(MemberInfo member) =>
        member.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == Lane.Name)
            .Select(a => (string)a.ConstructorArguments[1].Value!);
}
