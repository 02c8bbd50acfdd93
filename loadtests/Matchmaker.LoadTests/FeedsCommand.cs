using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.SignalR.Client;
using Matchmaker.Tests.Infrastructure;
using Npgsql;

namespace Matchmaker.LoadTests;

/// <summary>
/// Every provider's own system feeds the figures of all its offerings once a minute (spread evenly over the minute,
/// through the nodes in turn), while desks hold and release places and one desk per region watches live. Measures the
/// feed calls, the time from sending a feed to each desk hearing each changed figure, and the hold cycles beside them.
/// Every feed changes every offering: its total alternates between two values above what is occupied and held.
/// </summary>
public static class FeedsCommand
{
    private sealed record FedOffering(Guid Id, Guid ProviderId, int BaseTotal, int Occupied, DateOnly? EarliestStart);

    private sealed record ProviderSystem(Guid ProviderId, string Token, List<FedOffering> Offerings);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2 || (args.Length > 2 && !int.TryParse(args[2], out _)) || (args.Length > 3 && !int.TryParse(args[3], out _)))
        {
            Console.Error.WriteLine("Usage: feeds NPGSQL-CONNECTION-STRING NODE[,NODE...] [MINUTES=10] [HOLD-CLIENTS=8] [--without-feeds]");
            return 2;
        }
        var market = new LoadMarket(LoadMarket.ParseNodes(args[1]));
        var minutes = args.Length > 2 ? int.Parse(args[2]) : 10;
        var holdClients = args.Length > 3 ? int.Parse(args[3]) : 8;
        var withFeeds = !args.Contains("--without-feeds");
        var run = LoadMarket.RunId();

        var pairs = await HoldCycles.PrepareAsync(market, holdClients, 130);
        await using var database = new NpgsqlConnection(args[0]);
        await database.OpenAsync();
        var systems = withFeeds ? await ProviderSystemsAsync(database, run) : [];
        try
        {
            var offerings = systems.SelectMany(s => s.Offerings).ToList();
            var index = offerings.Select((o, i) => (o.Id, i)).ToDictionary(x => x.Id, x => x.i);
            var watch = new DeskWatch(index.Count);
            var desks = await watch.ConnectAsync(market, index);
            Console.Out.WriteLine($"{desks} desk(s) watching live; {systems.Count} provider systems feeding {offerings.Count} offerings" +
                $"{(withFeeds ? "" : " (none: run without feeds)")}; {holdClients} desk client(s) holding and releasing on {pairs.Count} pair(s)");

            var cycles = HoldCycles.Start(market, pairs, holdClients);
            await Task.Delay(TimeSpan.FromSeconds(3));
            cycles.BeginMeasuring();
            var feeds = withFeeds ? await FeedAsync(market, systems, index, watch, minutes) : null;
            if (!withFeeds) await Task.Delay(TimeSpan.FromMinutes(minutes));
            var holds = await cycles.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));

            if (feeds is not null)
            {
                Console.Out.WriteLine($"feeds: {feeds.Calls} calls, {feeds.Rows} rows ({feeds.Rows / (minutes * 60.0):0.0} rows/s), " +
                    $"p50 {LoadMarket.Percentile(feeds.Latencies, 0.5):0.0} ms, p99 {LoadMarket.Percentile(feeds.Latencies, 0.99):0.0} ms, " +
                    $"max {(feeds.Latencies.Count > 0 ? feeds.Latencies[^1] : 0):0.0} ms; {feeds.Errors} error(s), {feeds.RefusedRows} refused row(s)");
                var seen = watch.Latencies();
                var expected = (long)feeds.AcceptedRows * desks;
                Console.Out.WriteLine($"desks' screens: {seen.Count} of {expected} changed figures heard, p50 {LoadMarket.Percentile(seen, 0.5):0.0} ms, " +
                    $"p99 {LoadMarket.Percentile(seen, 0.99):0.0} ms, max {(seen.Count > 0 ? seen[^1] : 0):0.0} ms; " +
                    $"{seen.Count(l => l > 1000)} later than 1 s, {expected - seen.Count} missed");
            }
            Console.Out.WriteLine($"holds beside them: {holds.CyclesPerSecond:0.0} cycles/s, p50 {holds.P50:0.0} ms, p99 {holds.P99:0.0} ms, " +
                $"max {holds.Max:0.0} ms, {holds.Errors} error(s)");
            await watch.DisposeAsync();
            return feeds is { Errors: 0, RefusedRows: 0 } || !withFeeds ? 0 : 1;
        }
        finally
        {
            await database.ExecuteAsync("DELETE FROM api_clients WHERE name LIKE @name", new { name = $"Load run {run}:%" });
        }
    }

    /// <summary>
    /// One API token per provider for this run (removed afterwards), and the figures each feed starts from: today's
    /// occupied units, and today's total (after the hold cycles' offerings were opened up, so it has room for all they hold).
    /// </summary>
    private static async Task<List<ProviderSystem>> ProviderSystemsAsync(NpgsqlConnection database, string run)
    {
        var scopes = await database.QuerySingleAsync<string>("SELECT scopes FROM api_clients WHERE is_demo = true AND role = 'provider' LIMIT 1");
        var rows = (await database.QueryAsync<(Guid Id, Guid ProviderId, int TotalUnits, int OccupiedUnits, DateTime? EarliestStart)>("""
            SELECT id, provider_id, total_units, occupied_units, earliest_start FROM offerings ORDER BY provider_id, id
            """)).ToList();
        var systems = new List<ProviderSystem>();
        foreach (var provider in rows.GroupBy(r => r.ProviderId))
        {
            var token = "mm_load_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            await database.ExecuteAsync("""
                INSERT INTO api_clients (id, name, token_hash, role, region_code, organisation_id, scopes, is_demo, created_at, expires_at)
                VALUES (@id, @name, @hash, 'provider', NULL, @providerId, @scopes, true, now(), now() + interval '1 day')
                """, new { id = Guid.NewGuid(), name = $"Load run {run}: provider system", hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))),
                providerId = provider.Key, scopes });
            systems.Add(new ProviderSystem(provider.Key, token, provider.Select(r => new FedOffering(r.Id, r.ProviderId,
                r.TotalUnits, r.OccupiedUnits, r.EarliestStart is { } d ? DateOnly.FromDateTime(d) : null)).ToList()));
        }
        return systems;
    }

    private sealed class FeedFigures
    {
        public readonly List<double> Latencies = [];
        public int Calls, Rows, AcceptedRows, RefusedRows, Errors;
    }

    private static async Task<FeedFigures> FeedAsync(LoadMarket market, List<ProviderSystem> systems, Dictionary<Guid, int> index, DeskWatch watch, int minutes)
    {
        var figures = new FeedFigures();
        var clients = market.Nodes.Select(node => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 })
            { BaseAddress = node, Timeout = TimeSpan.FromSeconds(30) }).ToList();
        var clock = watch.Clock;
        var start = clock.Elapsed;
        var spacing = TimeSpan.FromMinutes(1) / systems.Count;
        var calls = new List<Task>();
        for (var minute = 0; minute < minutes; minute++)
        {
            for (var s = 0; s < systems.Count; s++)
            {
                var due = start + TimeSpan.FromMinutes(minute) + spacing * s;
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
                calls.Add(FeedOnceAsync(clients[s % clients.Count], systems[s], minute, index, watch, figures, clock));
            }
        }
        await Task.WhenAll(calls);
        foreach (var client in clients) client.Dispose();
        lock (figures) figures.Latencies.Sort();
        return figures;
    }

    private static async Task FeedOnceAsync(HttpClient node, ProviderSystem system, int minute, Dictionary<Guid, int> index, DeskWatch watch,
        FeedFigures figures, Stopwatch clock)
    {
        var rows = system.Offerings.Select(o => new
        {
            offeringId = o.Id, totalUnits = o.BaseTotal + 1 + minute % 2, occupiedUnits = o.Occupied,
            earliestStart = o.EarliestStart?.ToString("yyyy-MM-dd"),
        }).ToList();
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/providers/me/capacity") { Content = JsonContent.Create(new { offerings = rows }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", system.Token);
        var sent = clock.ElapsedTicks;
        foreach (var row in rows) watch.Expect(index[row.offeringId], minute, row.totalUnits, sent);
        try
        {
            using var response = await node.SendAsync(request);
            var took = (clock.ElapsedTicks - sent) * 1000.0 / Stopwatch.Frequency;
            if (!response.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"feed of {system.ProviderId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                lock (figures) { figures.Errors++; figures.Calls++; }
                return;
            }
            var result = await response.Content.ReadFromJsonAsync<JsonElement>();
            int accepted = result.GetProperty("accepted").GetInt32(), refused = result.GetProperty("refused").GetInt32();
            if (refused > 0) Console.Error.WriteLine($"feed of {system.ProviderId}: {refused} refused: {result}");
            lock (figures)
            {
                figures.Calls++;
                figures.Rows += rows.Count;
                figures.AcceptedRows += accepted;
                figures.RefusedRows += refused;
                figures.Latencies.Add(took);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"feed of {system.ProviderId}: {e.Message}");
            lock (figures) { figures.Errors++; figures.Calls++; }
        }
    }

    /// <summary>
    /// One desk per region, live on the nodes in turn. For each offering it knows the latest feed's total and when that
    /// feed was sent; a desk hears a change when an availabilityChanged with that total reaches it (the first one only).
    /// </summary>
    private sealed class DeskWatch(int offerings) : IAsyncDisposable
    {
        private readonly int[] _expectedMinute = Enumerable.Repeat(-1, offerings).ToArray();
        private readonly int[] _expectedTotal = new int[offerings];
        private readonly long[] _sentAt = new long[offerings];
        private readonly List<HubConnection> _connections = [];
        private readonly List<List<double>> _heard = [];
        /// <summary>The one clock of the run: feeds are timed on it too.</summary>
        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public void Expect(int offering, int minute, int total, long sentTicks)
        {
            Volatile.Write(ref _sentAt[offering], sentTicks);
            Volatile.Write(ref _expectedTotal[offering], total);
            Volatile.Write(ref _expectedMinute[offering], minute);
        }

        public async Task<int> ConnectAsync(LoadMarket market, Dictionary<Guid, int> index)
        {
            var regions = Matchmaker.Silo.Demo.DemoRegions.All;
            for (var d = 0; d < regions.Count; d++)
            {
                var heard = new List<double>();
                var lastMinute = Enumerable.Repeat(-1, offerings).ToArray();
                var connection = DeskHub.Connect(market.Nodes[d % market.Nodes.Count], LoadMarket.DemoToken("desk", regions[d].Code));
                connection.On<JsonElement>("availabilityChanged", change =>
                {
                    var now = Clock.ElapsedTicks;
                    if (!index.TryGetValue(change.GetProperty("offeringId").GetGuid(), out var o)) return;
                    var minute = Volatile.Read(ref _expectedMinute[o]);
                    if (minute < 0 || lastMinute[o] >= minute || change.GetProperty("totalUnits").GetInt32() != Volatile.Read(ref _expectedTotal[o])) return;
                    lastMinute[o] = minute;
                    lock (heard) heard.Add((now - Volatile.Read(ref _sentAt[o])) * 1000.0 / Stopwatch.Frequency);
                });
                await connection.StartListeningAsync();
                _connections.Add(connection);
                _heard.Add(heard);
            }
            return _connections.Count;
        }

        public List<double> Latencies()
        {
            var all = new List<double>();
            foreach (var heard in _heard) lock (heard) all.AddRange(heard);
            all.Sort();
            return all;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var connection in _connections) await connection.DisposeAsync();
        }
    }
}
