using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Matchmaker.LoadTests;

/// <summary>
/// The hold path beside floods of heavy work (issue 19): desks hold and the provider declines, first alone (the peer),
/// then while twenty browser tabs of the national demo user re-match the country and twenty of municipality demo users
/// sweep their region, through the web as people would (cookie session, form token, following the redirect, and, unless
/// <c>--impatient</c>, waiting as a "bezig" page or a 429's Retry-After says). Reports the hold cycles' p50/p99 of both
/// runs, what the floods got, and the Orleans warnings (thread-pool stalls, long turns) the node logged meanwhile.
/// </summary>
public static partial class HeavyCommand
{
    private static readonly string[] StallSigns =
    [
        "Thread Pool execution stalled", "Runtime Platform stalled", "took elapsed time", "Participant check thread has not completed",
        "local execution stalled", "Timer should have fired",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !IsOptionValue(args, a)).ToList();
        if (positional.Count < 1 || (positional.Count > 1 && !int.TryParse(positional[1], out _)) || (positional.Count > 2 && !int.TryParse(positional[2], out _)))
        {
            Console.Error.WriteLine("Usage: heavy NODE [SECONDS=20] [HOLD-CLIENTS=4] [--rematch-tabs 20] [--sweep-tabs 20] [--sweep-regions 1] [--impatient] [--log NODE-LOG-FILE]");
            return 2;
        }
        var market = new LoadMarket(LoadMarket.ParseNodes(positional[0]));
        var seconds = positional.Count > 1 ? int.Parse(positional[1]) : 20;
        var holdClients = positional.Count > 2 ? int.Parse(positional[2]) : 4;
        var rematchTabs = Option(args, "--rematch-tabs") is { } rt ? int.Parse(rt) : 20;
        var sweepTabs = Option(args, "--sweep-tabs") is { } st ? int.Parse(st) : 20;
        var sweepRegions = Option(args, "--sweep-regions") is { } r ? int.Parse(r) : 1;
        var patient = !args.Contains("--impatient");
        var log = Option(args, "--log");

        var pairs = await HoldCycles.PrepareAsync(market, holdClients, 130);
        Console.Out.WriteLine($"{holdClients} desk client(s) holding and releasing on {pairs.Count} pair(s); {rematchTabs} re-match tab(s) of the national user and " +
            $"{sweepTabs} sweep tab(s) of {sweepRegions} municipality user(s), {(patient ? "waiting as the pages say" : "impatient: asking again at once")}; {seconds} s each");

        var peer = await MeasureAsync(market, pairs, holdClients, seconds, log, floods: null);
        Report("without floods (peer)", peer);
        var national = await WebUser.SignInAsync(market.Nodes[0], "national", LoadMarket.Region);
        var municipalities = new List<WebUser>();
        foreach (var region in Matchmaker.Silo.Demo.DemoRegions.All.Select(d => d.Code).Where(c => c != LoadMarket.Region).Prepend(LoadMarket.Region).Take(sweepRegions))
            municipalities.Add(await WebUser.SignInAsync(market.Nodes[0], "municipality", region));
        var (rematches, sweeps) = (new FloodFigures(), new FloodFigures());
        var flooded = await MeasureAsync(market, pairs, holdClients, seconds, log, floods: stop =>
        [
            .. Enumerable.Range(0, rematchTabs).Select(_ => RematchTabAsync(national.Web, rematches, patient, stop)),
            .. Enumerable.Range(0, sweepTabs).Select(i => SweepTabAsync(municipalities[i % municipalities.Count].Web, sweeps, patient, stop)),
        ]);
        Report("with the floods", flooded);
        Console.Out.WriteLine($"re-match tabs: {rematches}");
        Console.Out.WriteLine($"sweep tabs:    {sweeps}; {sweeps.Runs.Count} distinct run(s) shown");
        national.Dispose();
        foreach (var municipality in municipalities) municipality.Dispose();
        return flooded.Holds.P99 < 100 && flooded.Stalls.Count == 0 ? 0 : 1;
    }

    private sealed record Phase(HoldCycles.Summary Holds, Dictionary<string, int> Stalls, string? FirstStall);

    private static async Task<Phase> MeasureAsync(LoadMarket market, List<LoadMarket.Pair> pairs, int holdClients, int seconds, string? log,
        Func<CancellationToken, Task[]>? floods)
    {
        using var stop = new CancellationTokenSource();
        var logFrom = log is null ? 0 : new FileInfo(log).Length;
        var cycles = HoldCycles.Start(market, pairs, holdClients);
        var flooding = floods?.Invoke(stop.Token) ?? [];
        await Task.Delay(TimeSpan.FromSeconds(3));
        cycles.BeginMeasuring();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var holds = await cycles.StopAsync();
        await stop.CancelAsync();
        await Task.WhenAll(flooding);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (stalls, first) = log is null ? ([], null) : StallsLogged(log, logFrom);
        return new Phase(holds, stalls, first);
    }

    private static void Report(string name, Phase phase)
    {
        var holds = phase.Holds;
        Console.Out.WriteLine($"hold path {name}: {holds.CyclesPerSecond:0.0} cycles/s, p50 {holds.P50:0.0} ms, p99 {holds.P99:0.0} ms, max {holds.Max:0.0} ms, " +
            $"{holds.Errors} error(s){(holds.FirstError is { } e ? $" (first: {e})" : "")}; Orleans stall/long-turn warnings logged: " +
            (phase.Stalls.Count == 0 ? "none" : string.Join(", ", phase.Stalls.Select(s => $"{s.Value}× '{s.Key}'")) + $" (first: {phase.FirstStall})"));
    }

    /// <summary>Counts the node's warnings about stalls and long turns written since <paramref name="from"/> (a byte offset of its log).</summary>
    private static (Dictionary<string, int>, string?) StallsLogged(string log, long from)
    {
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(from, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var counts = new Dictionary<string, int>();
        string? first = null;
        while (reader.ReadLine() is { } line)
            foreach (var sign in StallSigns.Where(s => line.Contains(s, StringComparison.Ordinal)))
            {
                counts[sign] = counts.GetValueOrDefault(sign) + 1;
                first ??= line.Trim();
            }
        return (counts, first);
    }

    /// <summary>A tab of the national user on the re-match: looks again as soon as it has the figures; a "bezig" page or 429 says when.</summary>
    private static async Task RematchTabAsync(HttpClient web, FloodFigures figures, bool patient, CancellationToken stop)
    {
        var address = "/landelijk/herverdeling";
        while (!stop.IsCancellationRequested)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await web.GetAsync(address, stop);
                var page = await response.Content.ReadAsStringAsync(stop);
                figures.Answered(response.StatusCode, clock.Elapsed);
                address = response.StatusCode == HttpStatusCode.Accepted ? WebUtility.HtmlDecode(BusyRetry().Match(page).Groups[1].Value) : "/landelijk/herverdeling";
                if (patient) await WaitAsSaid(response, stop);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
            {
                figures.Failed();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>A tab of a municipality user on the sweep: the form once, then "Bereken voor alle zorgvormen" again and again, following to the result.</summary>
    private static async Task SweepTabAsync(HttpClient web, FloodFigures figures, bool patient, CancellationToken stop)
    {
        string token;
        try
        {
            token = WebUser.AntiforgeryToken(await web.GetStringAsync("/gemeente/wat-als", stop));
        }
        catch (OperationCanceledException)
        {
            return;
        }
        while (!stop.IsCancellationRequested)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await web.PostAsync("/gemeente/wat-als?handler=Sweep",
                    new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), stop);
                if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } result)
                {
                    using var shown = await web.GetAsync(result, stop);
                    figures.Shown(result.OriginalString);
                }
                figures.Answered(response.StatusCode, clock.Elapsed);
                if (patient) await WaitAsSaid(response, stop);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
            {
                figures.Failed();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>As a browser on our pages would: 429 waits its Retry-After, a "bezig" page its refresh (2 s).</summary>
    private static Task WaitAsSaid(HttpResponseMessage response, CancellationToken stop) => response.StatusCode switch
    {
        HttpStatusCode.TooManyRequests => Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), stop),
        HttpStatusCode.Accepted => Task.Delay(TimeSpan.FromSeconds(2), stop),
        _ => Task.CompletedTask,
    };

    private sealed class FloodFigures
    {
        private readonly Dictionary<int, (int Count, double Millis)> _byStatus = [];
        private int _failed;
        public HashSet<string> Runs { get; } = [];

        public void Answered(HttpStatusCode status, TimeSpan took)
        {
            lock (_byStatus)
            {
                var (count, millis) = _byStatus.GetValueOrDefault((int)status);
                _byStatus[(int)status] = (count + 1, millis + took.TotalMilliseconds);
            }
        }

        public void Shown(string run)
        {
            lock (_byStatus) Runs.Add(run);
        }

        public void Failed() => Interlocked.Increment(ref _failed);

        public override string ToString()
        {
            lock (_byStatus)
                return string.Join(", ", _byStatus.OrderBy(s => s.Key).Select(s => $"{s.Value.Count}× {s.Key} (mean {s.Value.Millis / s.Value.Count:0} ms)"))
                    + $"; {_failed} failed";
        }
    }

    private static string? Option(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    private static bool IsOptionValue(string[] args, string value) =>
        Array.IndexOf(args, value) is var i and > 0 && args[i - 1] is "--rematch-tabs" or "--sweep-tabs" or "--sweep-regions" or "--log";

    [GeneratedRegex("data-busy-retry=\"([^\"]+)\"")]
    private static partial Regex BusyRetry();
}
