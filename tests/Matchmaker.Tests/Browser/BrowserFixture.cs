using Dapper;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Matchmaker.Tests.Browser;

/// <summary>
/// One real Matchmaker node (SQLite, small demo market, the test identity provider configured as
/// <see cref="IdentityProviderName"/> for the region's people) and Debian's Chromium driven by Playwright, shared by the
/// browser tests. A missing Chromium fails the tests: ./test.sh installs it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string Region = "rijnmond";
    public const string IdentityProviderName = "rijnmond-org";

    private IPlaywright? _playwright;

    public TestDatabase Database { get; private set; } = null!;
    public TestIdentityProvider IdentityProvider { get; private set; } = null!;
    public WebNode Node { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string ScreenshotFolder { get; } = Path.Combine(WebNode.RepositoryRoot(), "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}. Run the tests with ./test.sh, which installs it (apt-get install -y chromium).");
        Directory.CreateDirectory(ScreenshotFolder);
        Database = await TestDatabase.CreateSeededAsync("sqlite");
        IdentityProvider = await TestIdentityProvider.StartAsync();
        Node = await WebNode.StartAsync(Database, IdentityProvider.SettingsFor(IdentityProviderName, Region, matchByEmail: false)
            .ToDictionary(setting => setting.Key.Replace(":", "__"), setting => setting.Value));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    private readonly Dictionary<(string Role, string Region), string> _sessions = [];

    /// <summary>
    /// A page (in a context of its own) signed in with the demo account of <paramref name="role"/> of <paramref name="region"/>,
    /// or not signed in: "anonymous". The first page of a role signs in through the sign-in page, as a person does; later
    /// ones start with that session's cookies (about 1.5 s less each). Callers go to the page they want first.
    /// <paramref name="bypassCsp"/> only for tests that inject their own tools (axe).
    /// </summary>
    public async Task<IPage> SignedInPageAsync(string role, bool bypassCsp = false, int viewportWidth = 1280, string region = Region, bool javaScript = true)
    {
        var session = _sessions.GetValueOrDefault((role, region));
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Node.BaseAddress.ToString(),
            BypassCSP = bypassCsp,
            Locale = "nl-NL",
            ViewportSize = new ViewportSize { Width = viewportWidth, Height = 900 },
            StorageState = session,
            JavaScriptEnabled = javaScript,
        });
        var page = await context.NewPageAsync();
        if (role == "anonymous" || session is not null) return page;
        if (!javaScript) throw new InvalidOperationException("Sign in with JavaScript first: a page without it starts from that session.");
        await page.GotoAsync("/account/sign-in");
        await page.SelectOptionAsync("#demo-region", region);
        await page.ClickAsync($"button[name=role][value={role}]");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        _sessions[(role, region)] = await context.StorageStateAsync();
        return page;
    }

    public sealed class PreparedOffering
    {
        public Guid Id { get; init; }
        public string CareType { get; init; } = "";
        public string Municipality { get; init; } = "";
    }

    /// <summary>
    /// Makes one offering of the region's demo provider the only place that fits a child needing every specialism:
    /// all specialisms, ages 0-18, every gender, contracted by the region, with plenty of free units.
    /// </summary>
    public async Task<PreparedOffering> PrepareOfferingAsync()
    {
        await using var connection = await Database.Database.OpenAsync();
        var providerId = await connection.ExecuteScalarAsync<Guid>("SELECT organisation_id FROM users WHERE email = @email",
            new { email = DemoDataGenerator.DemoEmail("provider", Region) });
        var offering = await connection.QueryFirstAsync<(Guid Id, string CareType, double Lat, double Lon)>("""
            SELECT o.id, o.care_type, l.lat, l.lon FROM offerings o JOIN locations l ON l.id = o.location_id
            WHERE o.provider_id = @providerId AND o.secure = false AND o.care_type <> 'secure' ORDER BY o.id
            """, new { providerId });
        await connection.ExecuteAsync("""
            UPDATE offerings SET specialisms = @all, min_age = 0, max_age = 18, genders = 'f,m,x',
                   total_units = occupied_units + held_units + 40, version = version + 1
            WHERE id = @Id
            """, new { all = string.Join(",", Matchmaker.Matching.Specialisms.All), offering.Id });
        await connection.ExecuteAsync("""
            INSERT INTO contracts (region_code, offering_id, budget_ceiling_reached, valid_from)
            SELECT @Region, @Id, false, @from WHERE NOT EXISTS (SELECT 1 FROM contracts WHERE region_code = @Region AND offering_id = @Id)
            """, new { Region, offering.Id, from = new DateOnly(2026, 1, 1) });
        await connection.ExecuteAsync("UPDATE contracts SET budget_ceiling_reached = false WHERE region_code = @Region AND offering_id = @Id", new { Region, offering.Id });
        var municipality = (await connection.QueryAsync<(string Name, double Lat, double Lon)>(
                "SELECT name, lat, lon FROM municipalities WHERE region_code = @Region", new { Region }))
            .OrderBy(m => Math.Abs(m.Lat - offering.Lat) + Math.Abs(m.Lon - offering.Lon)).First();
        return new PreparedOffering { Id = offering.Id, CareType = offering.CareType, Municipality = municipality.Name };
    }

    /// <summary>
    /// An offering of <paramref name="region"/>'s demo provider located outside the fixture's region, made to fit any child of
    /// <paramref name="careType"/> (ages 0-18, every gender and specialism) with plenty of free units: a place beyond the region.
    /// </summary>
    public async Task<Guid> PrepareOfferingElsewhereAsync(string careType, string region)
    {
        await using var connection = await Database.Database.OpenAsync();
        var providerId = await connection.ExecuteScalarAsync<Guid>("SELECT organisation_id FROM users WHERE email = @email",
            new { email = DemoDataGenerator.DemoEmail("provider", region) });
        var id = await connection.ExecuteScalarAsync<Guid>("""
            SELECT o.id FROM offerings o JOIN locations l ON l.id = o.location_id JOIN municipalities m ON m.id = l.municipality_id
            WHERE o.provider_id = @providerId AND m.region_code <> @Region AND o.secure = false ORDER BY o.id
            """, new { providerId, Region });
        await connection.ExecuteAsync("""
            UPDATE offerings SET care_type = @careType, specialisms = @all, min_age = 0, max_age = 18, genders = 'f,m,x',
                   total_units = occupied_units + held_units + 40, version = version + 1
            WHERE id = @id
            """, new { careType, all = string.Join(",", Matchmaker.Matching.Specialisms.All), id });
        return id;
    }

    /// <summary>An open child of the region, filed by its demo caseworker and escalated to the network: for the caseworker's and network's pages.</summary>
    public async Task<Guid> FollowedAndEscalatedChildAsync()
    {
        await using var connection = await Database.Database.OpenAsync();
        var id = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM requests WHERE region_code = @Region AND status = 'open' ORDER BY id", new { Region });
        await connection.ExecuteAsync("""
            UPDATE requests SET caseworker_id = (SELECT id FROM users WHERE email = @email), escalated_at = @now,
                   escalation_reason = 'Geen passende plek in de regio', version = version + 1
            WHERE id = @id
            """, new { email = DemoDataGenerator.DemoEmail("caseworker", Region), now = DateTimeOffset.UtcNow, id });
        return id;
    }

    private (string Purchase, string Sweep)? _whatIfRuns;

    // The address is polled: WaitForURLAsync on an address that already matches waits for the page's load event as well,
    // and once in CI that wait did not end within 30 s although the result page was there.
    private static readonly System.Text.RegularExpressions.Regex RunPage = new("/gemeente/wat-als/[0-9a-f-]{36}$");
    private static readonly System.Text.RegularExpressions.Regex RunPageOrStillComputing = new("/gemeente/wat-als(/[0-9a-f-]{36}|\\?handler=[A-Za-z]+)$");

    /// <summary>A purchase (5 gezinshuis places) and a sweep of the region, run in the browser as its municipality would: for the result pages.</summary>
    public async Task<(string Purchase, string Sweep)> WhatIfRunsAsync()
    {
        if (_whatIfRuns is { } runs) return runs;
        var page = await SignedInPageAsync("municipality");
        var purchase = await WhatIfRunAsync(page, async () =>
        {
            await page.SelectOptionAsync("#careType", "gezinshuis");
            await page.FillAsync("#units", "5");
            await page.ClickAsync("form[action*=Purchase] button");
        });
        var sweep = await WhatIfRunAsync(page, () => page.ClickAsync("button:has-text('Bereken voor alle zorgvormen')"));
        _whatIfRuns = (purchase, sweep);
        await page.Context.CloseAsync();
        return _whatIfRuns.Value;
    }

    /// <summary>
    /// Starts a what-if run and returns its page's path. A run that takes longer than the page waits (a busy machine)
    /// answers "De berekening loopt nog"; then the new run is awaited in the list of earlier runs, as a person would.
    /// </summary>
    private static async Task<string> WhatIfRunAsync(IPage page, Func<Task> start)
    {
        const string earlier = "() => [...document.querySelectorAll('#runs a')].map(a => a.getAttribute('href'))";
        await page.GotoAsync("/gemeente/wat-als");
        var before = await page.EvaluateAsync<string[]>(earlier);
        await start();
        await Assertions.Expect(page).ToHaveURLAsync(RunPageOrStillComputing, new PageAssertionsToHaveURLOptions { Timeout = 30_000 });
        if (RunPage.IsMatch(page.Url)) return new Uri(page.Url).AbsolutePath;
        for (var waited = 0; waited < 60; waited++)
        {
            await page.GotoAsync("/gemeente/wat-als");
            var added = (await page.EvaluateAsync<string[]>(earlier)).Except(before).FirstOrDefault();
            if (added is not null) return added;
            await Task.Delay(1_000);
        }
        throw new TimeoutException("The what-if run did not appear within a minute.");
    }

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Database.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException("no value");
    }

    public async Task ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await Database.Database.OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Node is not null) await Node.DisposeAsync();
        if (Database is not null) await Database.DisposeAsync();
        if (IdentityProvider is not null) await IdentityProvider.DisposeAsync();
    }
}
