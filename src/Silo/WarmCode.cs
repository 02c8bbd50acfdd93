using System.Diagnostics;
using System.Runtime;

namespace Matchmaker.Silo;

/// <summary>
/// Runs code until it is warm: until the runtime has stopped compiling (tiered compilation recompiles hot code with
/// full optimisation and profile data in the background, which on two cores takes seconds of the machine's time), so a
/// timing after it is what a long-running server sees. Shared by the <c>solve --repeat</c> command and the load tests'
/// <c>families</c> command.
/// </summary>
public static class WarmCode
{
    /// <summary>
    /// Runs <paramref name="run"/> for at least <paramref name="atLeast"/> and three runs, then until half a second and
    /// ten runs have passed without a method compiled, or <paramref name="atMost"/>. Returns how long it ran.
    /// </summary>
    public static TimeSpan Run(Action run, TimeSpan atLeast, TimeSpan atMost)
    {
        var clock = Stopwatch.StartNew();
        var compiled = JitInfo.GetCompiledMethodCount();
        var quietSince = TimeSpan.Zero;
        var quietRuns = 0;
        for (var runs = 1; ; runs++)
        {
            run();
            var now = clock.Elapsed;
            // Checked first: code that compiles something on every run would otherwise never be quiet.
            if (now >= atMost) return now;
            var count = JitInfo.GetCompiledMethodCount();
            if (count != compiled)
            {
                (compiled, quietSince, quietRuns) = (count, now, 0);
                continue;
            }
            quietRuns++;
            var quiet = now - quietSince >= TimeSpan.FromSeconds(0.5) && quietRuns >= 10;
            if (runs >= 3 && now >= atLeast && quiet) return now;
        }
    }
}
