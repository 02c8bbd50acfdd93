namespace Matchmaker.LoadTests;

/// <summary>
/// Hold-and-release cycles through the API: each client holds a place for its child (desk) and the provider declines
/// it at once, again and again. <c>spread</c>: the clients' children are spread over many offerings; <c>hot</c>: every
/// client on one offering. Prints cycles per second and the latency of a cycle.
/// </summary>
public static class CyclesCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3 || !int.TryParse(args[1], out var clients) || clients is < 1 or > 512 || args[2] is not ("spread" or "hot"))
        {
            Console.Error.WriteLine("Usage: cycles NODE[,NODE...] CLIENTS spread|hot [SECONDS=20] [OFFERINGS=130]");
            return 2;
        }
        var market = new LoadMarket(LoadMarket.ParseNodes(args[0]));
        var hot = args[2] == "hot";
        var seconds = args.Length > 3 ? int.Parse(args[3]) : 20;
        var offeringCount = hot ? 1 : (args.Length > 4 ? int.Parse(args[4]) : 130);

        var pairs = await HoldCycles.PrepareAsync(market, clients, offeringCount);
        var result = await HoldCycles.MeasureAsync(market, pairs, clients, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(seconds));
        Console.Out.WriteLine($"{args[2]} {clients} client(s) on {market.Nodes.Count} node(s), {pairs.Select(p => p.Offering.Id).Distinct().Count()} offering(s): " +
            $"{result.CyclesPerSecond:0.0} cycles/s, cycle p50 {result.P50:0.0} ms, p99 {result.P99:0.0} ms, max {result.Max:0.0} ms, {result.Errors} error(s)");
        return 0;
    }
}
