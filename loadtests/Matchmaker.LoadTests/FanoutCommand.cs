using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Matchmaker.LoadTests;

/// <summary>
/// Many desks connected live over the nodes; a provider changes one offering's capacity through the first node again
/// and again. Measures, for every client and every change, the time from sending the change to the client receiving
/// it, and counts the changes a client never received. The desks run in this process, or spread over several.
/// </summary>
public static class FanoutCommand
{
    public const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private const string UsageText = "Usage: fanout NODE[,NODE...] CLIENTS [CHANGES=20] [--processes N] [--node-pids PID[,PID...]] [--signalr-client] [--each]";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = FanoutOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine(UsageText);
            return 2;
        }
        // The official client costs the console about 50 µs of CPU per message received (issue 23): at 5,000 desks on
        // the nodes' own two cores it was a large part of what it measured. The raw client speaks the same protocol.
        // Each received message otherwise wakes a pool thread to run its continuation; the desks' work per message is a
        // byte search, so the socket engine's thread runs it. Read once, when the first socket is made (none yet). A
        // desk's time is taken after its message is read, so the console's own queue counts against it.
        Environment.SetEnvironmentVariable(InlineCompletions, "1");
        var market = new LoadMarket(LoadMarket.ParseNodes(options.Nodes));
        var offering = (await market.OfferingsAsync(1))[0];
        using var provider = market.Client(offering.ProviderToken);
        var own = await provider.GetFromJsonAsync<JsonElement>("/api/v1/offerings");
        var now = own.EnumerateArray().Single(o => o.GetProperty("offeringId").GetGuid() == offering.Id);
        var occupied = now.GetProperty("occupiedUnits").GetInt32();
        var watched = new WatchedChanges(offering.Id, occupied + now.GetProperty("heldUnits").GetInt32() + 10, options.Changes);

        var connecting = Stopwatch.StartNew();
        await using var desks = await Desks.ConnectAsync(options, market.Nodes, watched);
        Console.Out.WriteLine($"{desks.Connected} of {options.Clients} desk clients connected over {market.Nodes.Count} node(s) " +
            $"in {options.Processes} process(es) in {connecting.Elapsed.TotalSeconds:0.0} s");
        await Task.Delay(TimeSpan.FromSeconds(2));
        // What the nodes spend with every desk connected and nothing changing (pings both ways), to set against a change.
        var restBefore = NodesCpu(options.NodePids);
        var rest = Stopwatch.StartNew();
        if (options.NodePids.Count > 0) await Task.Delay(TimeSpan.FromSeconds(5));
        var nodesAtRest = (NodesCpu(options.NodePids) - restBefore).TotalSeconds / rest.Elapsed.TotalSeconds;

        var sent = new long[options.Changes];
        // Whether the load console itself is the bottleneck: its own CPU (every process of it), the nodes' when their PIDs
        // are given, and the machine's while the changes go out.
        var consoleBefore = desks.ConsoleCpu();
        var nodesBefore = NodesCpu(options.NodePids);
        var machineBefore = MachineCpu.Read();
        var window = Stopwatch.StartNew();
        for (var n = 0; n < options.Changes; n++)
        {
            sent[n] = Stopwatch.GetTimestamp();
            var response = await provider.PutAsJsonAsync($"/api/v1/offerings/{offering.Id}/capacity", new { totalUnits = watched.BaseTotal + n + 1, occupiedUnits = occupied });
            response.EnsureSuccessStatusCode();
            await Task.Delay(500);
        }
        await Task.Delay(TimeSpan.FromSeconds(5));
        var consoleCpu = desks.ConsoleCpu() - consoleBefore;
        var nodesCpu = NodesCpu(options.NodePids) - nodesBefore;
        var machine = MachineCpu.Read().BusySince(machineBefore);
        var seconds = window.Elapsed.TotalSeconds;

        var heard = await desks.HeardAsync();
        var latencies = new List<double>();
        var missed = 0;
        foreach (var desk in heard)
        {
            for (var n = 0; n < options.Changes; n++)
            {
                if (desk[n] == 0) missed++;
                else latencies.Add(Stopwatch.GetElapsedTime(sent[n], desk[n]).TotalMilliseconds);
            }
        }
        latencies.Sort();
        if (options.Each) PrintEachChange(heard, sent);
        Console.Out.WriteLine($"{options.Changes} changes to {heard.Count} clients: p50 {LoadMarket.Percentile(latencies, 0.5):0.0} ms, " +
            $"p99 {LoadMarket.Percentile(latencies, 0.99):0.0} ms, max {(latencies.Count > 0 ? latencies[^1] : 0):0.0} ms, {missed} missed" +
            (desks.Connected - heard.Count is > 0 and var dropped ? $", {dropped} connection(s) dropped before the end" : ""));
        Console.Out.WriteLine($"load console CPU {consoleCpu.TotalSeconds / seconds:P0} of one core over the {seconds:0} s of changes " +
            $"({consoleCpu.TotalMilliseconds / options.Changes:0} ms of CPU per change received by all its clients); " +
            (options.NodePids.Count > 0 ? $"the nodes {nodesCpu.TotalSeconds / seconds:P0} ({nodesCpu.TotalMilliseconds / options.Changes:0} ms per change; " +
                $"{(nodesCpu.TotalSeconds - nodesAtRest * seconds) * 1000 / options.Changes:0} ms above their {nodesAtRest:P0} at rest); " : "") +
            $"the machine's {Environment.ProcessorCount} cores {machine:P0} busy");
        return 0;
    }

    private static TimeSpan NodesCpu(IReadOnlyList<int> pids) =>
        pids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + Process.GetProcessById(pid).TotalProcessorTime);

    private static void PrintEachChange(List<long[]> heard, long[] sent)
    {
        for (var n = 0; n < sent.Length; n++)
        {
            var times = heard.Where(desk => desk[n] != 0)
                .Select(desk => Stopwatch.GetElapsedTime(sent[n], desk[n]).TotalMilliseconds).Order().ToList();
            var missed = heard.Count - times.Count;
            Console.Out.WriteLine(times.Count == 0
                ? $"change {n + 1}: heard by none of {heard.Count}"
                : $"change {n + 1}: {times.Count} heard, {missed} missed, first {times[0]:0.0} ms, p50 {LoadMarket.Percentile(times, 0.5):0.0} ms, " +
                  $"p99 {LoadMarket.Percentile(times, 0.99):0.0} ms, max {times[^1]:0.0} ms");
        }
    }

    private sealed record FanoutOptions(string Nodes, int Clients, int Changes, int Processes, IReadOnlyList<int> NodePids, bool Official, bool Each)
    {
        public static FanoutOptions? Parse(string[] args)
        {
            var rest = new List<string>();
            var processes = 1;
            IReadOnlyList<int> pids = [];
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i] is not ("--processes" or "--node-pids"))
                {
                    rest.Add(args[i]);
                    continue;
                }
                if (i + 1 == args.Length) return null;
                var value = args[++i];
                if (args[i - 1] == "--processes" && !(int.TryParse(value, out processes) && processes is >= 1 and <= 16)) return null;
                if (args[i - 1] == "--node-pids")
                {
                    var listed = value.Split(',').Select(v => int.TryParse(v, out var pid) && Running(pid) ? pid : 0).ToList();
                    if (listed.Contains(0)) return null;
                    pids = listed;
                }
            }
            var official = rest.Remove("--signalr-client");
            var each = rest.Remove("--each");
            if (rest.Count is < 2 or > 3 || !int.TryParse(rest[1], out var clients) || clients is < 1 or > 20_000) return null;
            var changes = 20;
            if (rest.Count == 3 && (!int.TryParse(rest[2], out changes) || changes < 1)) return null;
            return new FanoutOptions(rest[0], clients, changes, Math.Min(processes, clients), pids, official, each);
        }

        private static bool Running(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }
    }

    /// <summary>The run's desks: in this process, or in child processes of a share each.</summary>
    private sealed class Desks : IAsyncDisposable
    {
        private DeskCrowd? _here;
        private List<DeskProcess> _children = [];

        public int Connected { get; private set; }

        public static async Task<Desks> ConnectAsync(FanoutOptions options, IReadOnlyList<Uri> nodes, WatchedChanges watched)
        {
            var desks = new Desks();
            if (options.Processes == 1)
            {
                desks._here = await DeskCrowd.ConnectAsync(nodes, 0, options.Clients, watched, options.Official);
                desks.Connected = options.Clients - desks._here.Failed;
                return desks;
            }
            var shares = Enumerable.Range(0, options.Processes)
                .Select(p => (First: options.Clients * p / options.Processes, Next: options.Clients * (p + 1) / options.Processes));
            var starting = shares.Select(s => DeskProcess.StartAsync(options.Nodes, s.First, s.Next - s.First, watched, options.Official)).ToList();
            try
            {
                desks._children = [.. await Task.WhenAll(starting)];
            }
            catch
            {
                // Those that did start are stopped, not left behind.
                foreach (var started in starting.Where(t => t.IsCompletedSuccessfully)) await started.Result.DisposeAsync();
                throw;
            }
            desks.Connected = desks._children.Sum(c => c.Connected);
            return desks;
        }

        public TimeSpan ConsoleCpu() =>
            _children.Aggregate(Process.GetCurrentProcess().TotalProcessorTime, (sum, child) => sum + child.Cpu());

        public async Task<List<long[]>> HeardAsync() =>
            _here is not null ? _here.StillConnected() : [.. (await Task.WhenAll(_children.Select(c => c.HeardAsync()))).SelectMany(h => h)];

        public async ValueTask DisposeAsync()
        {
            if (_here is not null) await _here.DisposeAsync();
            await Task.WhenAll(_children.Select(c => c.DisposeAsync().AsTask()));
        }
    }
}
