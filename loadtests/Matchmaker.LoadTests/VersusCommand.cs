namespace Matchmaker.LoadTests;

/// <summary>
/// The hold path and its peer in one run: hold-and-decline cycles through the API and pgbench on the cycle's SQL, in
/// turns of a few seconds each (API first in odd turns, pgbench first in even ones), so both meet the same spells of a
/// shared machine. Prints each turn and the ratio's median and range.
/// </summary>
public static class VersusCommand
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3 || !int.TryParse(args[2], out var clients) || clients is < 1 or > 512
            || !Optional(args, 3, 6, out var turns) || turns is < 1 or > 100 || !Optional(args, 4, 6, out var seconds) || seconds is < 2 or > 600)
        {
            Console.Error.WriteLine("Usage: versus NODE[,NODE...] NPGSQL-CONNECTION-STRING CLIENTS [TURNS=6 (1-100)] [SECONDS=6 (2-600)]");
            return 2;
        }
        var market = new LoadMarket(LoadMarket.ParseNodes(args[0]));
        const int offerings = 130;
        var pairs = await HoldCycles.PrepareAsync(market, clients, offerings);
        await using var pgbench = await PgbenchCycles.PrepareAsync(args[1], clients, offerings);

        Console.Out.WriteLine("turn  API cycles/s  p50 ms  pgbench cycles/s  API / pgbench");
        var ratios = new List<double>();
        var api = new List<double>();
        var peer = new List<double>();
        for (var turn = 1; turn <= turns; turn++)
        {
            HoldCycles.Summary? ours = null;
            PgbenchCycles.Run? theirs = null;
            foreach (var side in turn % 2 == 1 ? new[] { "api", "pgbench" } : ["pgbench", "api"])
            {
                // pgbench moved the offerings' rows behind the grains: the first cycles find that out and load them again.
                if (side == "api") ours = await HoldCycles.MeasureAsync(market, pairs, clients, Settle, TimeSpan.FromSeconds(seconds));
                else if ((theirs = await pgbench.RunAsync(seconds)) is null) return 1;
            }
            if (ours!.Errors > 0) Console.Error.WriteLine($"turn {turn}: {ours.Errors} error(s) in the API's cycles; first: {ours.FirstError}");
            var ratio = ours.CyclesPerSecond / theirs!.CyclesPerSecond;
            ratios.Add(ratio);
            api.Add(ours.CyclesPerSecond);
            peer.Add(theirs.CyclesPerSecond);
            Console.Out.WriteLine($"{turn,4}  {ours.CyclesPerSecond,12:0.0}  {ours.P50,6:0.0}  {theirs.CyclesPerSecond,16:0.0}  {ratio,13:0 %}");
        }
        Console.Out.WriteLine($"versus {clients} client(s) on {market.Nodes.Count} node(s), {turns} turn(s) of {seconds} s: " +
            $"API / pgbench median {Median(ratios):0 %} (lowest {ratios.Min():0 %}, highest {ratios.Max():0 %}); " +
            $"API median {Median(api):0.0} cycles/s, pgbench median {Median(peer):0.0}");
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static bool Optional(string[] args, int index, int fallback, out int value)
    {
        value = fallback;
        return args.Length <= index || int.TryParse(args[index], out value);
    }
}
