using System.Reflection.Emit;
using Matchmaker.Silo;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Matching;

/// <summary>The timing commands warm code until the runtime is quiet, and never for longer than they are told.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class WarmCodeTests
{
    [Fact]
    public void CodeThatCompilesSomethingOnEveryRun_IsWarmedOnlyUntilTheLimit()
    {
        var runs = 0;
        var took = WarmCode.Run(() =>
        {
            runs++;
            // A new method each run: the runtime is never quiet.
            var method = new DynamicMethod($"m{runs}", typeof(int), Type.EmptyTypes);
            var il = method.GetILGenerator();
            il.Emit(OpCodes.Ldc_I4, runs);
            il.Emit(OpCodes.Ret);
            method.CreateDelegate<Func<int>>()();
        }, atLeast: TimeSpan.Zero, atMost: TimeSpan.FromMilliseconds(300));

        Assert.InRange(took, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(30));
        Assert.True(runs > 10, $"{runs} runs");
    }

    [Fact]
    public void QuietCode_IsWarmedForAtLeastTheFloor_ThenUntilTenQuietRunsAndHalfASecond()
    {
        var runs = 0;
        var took = WarmCode.Run(() => { runs++; Thread.Sleep(1); }, atLeast: TimeSpan.FromMilliseconds(100), atMost: TimeSpan.FromSeconds(30));

        Assert.InRange(took, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(29));
        Assert.True(runs >= 10, $"{runs} runs");
    }
}
