using System.Diagnostics;
using Matchmaker.Matching;

namespace Matchmaker.Silo;

/// <summary>
/// <c>solve INSTANCE.json</c>: the matcher on an instance file, result as JSON on standard output.
/// <c>solve INSTANCE.json --repeat N</c>: after a first, cold solve and warm-up solves (<see cref="WarmCode"/>), times N solves and N
/// allocations alone (no explanations) and prints the times instead
/// (cold, warm median, fastest, slowest), so anyone can time the matcher on an instance of their own.
/// Invalid input: one line on standard error naming the first problem and its path, exit code 2, nothing on standard output.
/// </summary>
public static class SolveCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var repeat = 0;
        if (args.Length == 3 && args[1] == "--repeat" && (!int.TryParse(args[2], out repeat) || repeat is < 1 or > 100_000))
        {
            await Console.Error.WriteLineAsync($"--repeat takes a whole number from 1 to 100000, not '{args[2]}'.");
            return 2;
        }
        if (args.Length is not (1 or 3) || (args.Length == 3 && args[1] != "--repeat"))
        {
            await Console.Error.WriteLineAsync("Usage: solve INSTANCE.json [--repeat N] (one instance file; '-' reads standard input)");
            return 2;
        }
        string json;
        try
        {
            json = args[0] == "-" ? await Console.In.ReadToEndAsync() : await File.ReadAllTextAsync(args[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"Cannot read {args[0]}: {e.Message}");
            return 2;
        }

        MatchingInstance instance;
        try
        {
            instance = InstanceJson.Parse(json);
        }
        catch (InstanceFormatException e)
        {
            await Console.Error.WriteLineAsync($"Invalid instance {args[0]}: {e.Message}");
            return 2;
        }
        if (repeat > 0)
        {
            await Console.Out.WriteLineAsync(Timed(instance, repeat));
            return 0;
        }
        var result = Matcher.Solve(instance);
        await Console.Out.WriteLineAsync(InstanceJson.Serialize(result));
        return 0;
    }

    private static string Timed(MatchingInstance instance, int repeat)
    {
        var clock = Stopwatch.StartNew();
        var first = Matcher.Solve(instance);
        var cold = clock.Elapsed.TotalMilliseconds;
        // Warm means after the runtime has finished compiling the hot code again with full optimisation: on two cores
        // that took 2-3 s of solves of a region (1.5 s, as before, still timed partly unoptimised code).
        WarmCode.Run(() => Matcher.Solve(instance), atLeast: TimeSpan.FromSeconds(1.5), atMost: TimeSpan.FromSeconds(60));
        var solve = Repeat(repeat, () => Matcher.Solve(instance));
        // The allocation alone (no explanations): what an assignment solver's kernel is compared with.
        var allocate = Repeat(repeat, () => Matcher.Allocate(instance));
        return $"{instance.Requests.Count} requests, {instance.Places.Count} places, {instance.Places.Sum(p => p.Units)} units: placed {first.Assignments.Count}; " +
            $"cold {cold:0.00} ms, warm median {Median(solve):0.00} ms over {repeat} solve(s) (fastest {solve[0]:0.00} ms, slowest {solve[^1]:0.00} ms); " +
            $"allocation alone: warm median {Median(allocate):0.00} ms (fastest {allocate[0]:0.00} ms, slowest {allocate[^1]:0.00} ms)";
    }

    /// <summary>Milliseconds of each of <paramref name="repeat"/> runs, fastest first.</summary>
    private static double[] Repeat(int repeat, Action run)
    {
        var times = new double[repeat];
        var clock = new Stopwatch();
        for (var i = 0; i < repeat; i++)
        {
            clock.Restart();
            run();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times;
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
