using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Silo.Demo;

namespace Matchmaker.LoadTests;

/// <summary>
/// The demo market as a load run uses it, through the API of running nodes: the demo provider systems' own offerings,
/// opened up with free units, and children of one region's desk who fit them. Demo mode must be on.
/// </summary>
public sealed class LoadMarket
{
    public const string Region = "rijnmond";

    /// <summary>
    /// The load offerings spread over every region's providers (to spread the grains), so most are outside the load desk's
    /// region's policy: its holds are the deliberate kind, with a reason, as a desk would make them.
    /// </summary>
    public const string OutsidePolicyReason = "Belastingtest: plaatsen in alle regio's";

    public sealed record Offering(Guid Id, Guid ProviderId, string ProviderToken, string CareType, int MinAge, int MaxAge, string Gender);

    public sealed record Pair(Offering Offering, Guid RequestId);

    public IReadOnlyList<Uri> Nodes { get; }

    public LoadMarket(IReadOnlyList<Uri> nodes) => Nodes = nodes;

    public static IReadOnlyList<Uri> ParseNodes(string? list) =>
        (list ?? "http://127.0.0.1:5080").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => new Uri(n)).ToList();

    public HttpClient Client(string token, int node = 0)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = Nodes[node % Nodes.Count], Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public RawHttpConnection RawClient(string token, int node = 0) => new(Nodes[node % Nodes.Count], token);

    public HttpClient Desk(int node = 0) => Client(DemoToken("desk", Region), node);

    /// <summary>Up to <paramref name="count"/> non-secure offerings of the demo provider systems, region by region, in a fixed order.</summary>
    public async Task<List<Offering>> OfferingsAsync(int count)
    {
        var found = new List<Offering>();
        foreach (var region in DemoRegions.All.OrderBy(r => r.Code, StringComparer.Ordinal))
        {
            var token = DemoToken("provider", region.Code);
            using var provider = Client(token);
            var own = await provider.GetFromJsonAsync<JsonElement>("/api/v1/offerings");
            found.AddRange(own.EnumerateArray()
                .Where(o => !o.GetProperty("secure").GetBoolean())
                .Select(o => new Offering(o.GetProperty("offeringId").GetGuid(), o.GetProperty("providerId").GetGuid(), token,
                    o.GetProperty("careType").GetString()!, o.GetProperty("minAge").GetInt32(), o.GetProperty("maxAge").GetInt32(),
                    o.GetProperty("genders").GetString()!.Split(',')[0])));
            if (found.Count >= count) break;
        }
        return found.Take(count).ToList();
    }

    /// <summary>
    /// Sets the offering to exactly <paramref name="free"/> free units (through its provider's system, via the given
    /// node: an offering's grain lives where it is first called, so spreading these calls spreads the grains).
    /// </summary>
    public async Task OpenUpAsync(Offering offering, int free, int node = 0)
    {
        using var provider = Client(offering.ProviderToken, node);
        var own = await provider.GetFromJsonAsync<JsonElement>("/api/v1/offerings");
        var now = own.EnumerateArray().Single(o => o.GetProperty("offeringId").GetGuid() == offering.Id);
        var response = await provider.PutAsJsonAsync($"/api/v1/offerings/{offering.Id}/capacity", new
        {
            totalUnits = now.GetProperty("occupiedUnits").GetInt32() + now.GetProperty("heldUnits").GetInt32() + free,
            occupiedUnits = now.GetProperty("occupiedUnits").GetInt32(),
        });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Registers a child of the region who fits the offering in every rule (any distance up to 400 km).</summary>
    public async Task<Guid> ChildForAsync(HttpClient desk, Offering offering, string caseReference)
    {
        var age = Math.Clamp(10, offering.MinAge, offering.MaxAge);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var response = await desk.PostAsJsonAsync($"/api/v1/regions/{Region}/requests", new
        {
            caseReference, measureType = "ots", measureStart = today.AddDays(-30).ToString("yyyy-MM-dd"), urgency = "urgent",
            careType = offering.CareType, needs = Array.Empty<string>(), needsSecure = false,
            birthMonth = today.AddYears(-age).AddMonths(-1).ToString("yyyy-MM"), gender = offering.Gender, homePc4 = "3011",
            homeLat = 51.92, homeLon = 4.48, maxDistanceKm = 400,
        });
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"Registering {caseReference}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>The demo API tokens (demo mode only), as the demo seed makes them.</summary>
    public static string DemoToken(string role, string regionCode) => $"mm_demo_{role}_{regionCode}";

    /// <summary>
    /// A run's mark in its case references, with a letter among the digits: nine digits in a row can pass the BSN check
    /// (one in eleven do), and the product rightly refuses such a reference.
    /// </summary>
    public static string RunId() => DateTime.UtcNow.ToString("HHmmss'T'fff", System.Globalization.CultureInfo.InvariantCulture);

    public static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
