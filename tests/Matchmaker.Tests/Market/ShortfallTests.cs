using System.Net;
using System.Text.RegularExpressions;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>"Waar is het tekort" first on the municipality's page: the worst care types first, from shown counts only, each one click from its what-if.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketViewsCollection.Name)]
public sealed partial class ShortfallTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheShortfallComesFirst_MostChildrenPastTheNormFirst_HiddenOnesLastByName_AndEachOpensItsWhatIf(string provider)
    {
        var market = await markets.ForAsync(provider);
        var municipality = market.App.CreateClient();
        await SignIn.AsDemoAsync(municipality, MarketScenario.Region, "municipality");

        var page = await municipality.GetStringAsync("/gemeente");
        var rows = ShortfallRows().Matches(page).Select(m => (CareType: m.Groups[1].Value, Name: WebUtility.HtmlDecode(m.Groups[2].Value), Past: m.Groups[3].Value, Link: m.Groups[4].Value)).ToList();
        var shown = rows.TakeWhile(r => r.Past != "x").Select(r => int.Parse(r.Past.Replace(".", ""))).ToList();
        var hidden = rows.Skip(shown.Count).ToList();
        var whatIf = await municipality.GetStringAsync(WebUtility.HtmlDecode(rows[0].Link));

        Assert.True(page.IndexOf("id=\"waar-is-het-tekort\"", StringComparison.Ordinal) < page.IndexOf("id=\"waiting\"", StringComparison.Ordinal));
        Assert.True(rows.Count > 1, "the demo region waits for more than one care type");
        Assert.Equal(shown.OrderDescending(), shown);
        Assert.All(hidden, r => Assert.Equal("x", r.Past));
        Assert.Equal(hidden.Select(r => r.Name).Order(StringComparer.OrdinalIgnoreCase), hidden.Select(r => r.Name));
        Assert.Matches($"<option value=\"{Regex.Escape(rows[0].CareType)}\" selected=\"selected\">", whatIf);
        Assert.All(rows, r => Assert.EndsWith("zorgvorm=" + Matchmaker.Web.Infrastructure.CareTypeWords.InAddress(r.CareType), r.Link));
    }

    [GeneratedRegex("""<tr class="utrecht-table__row" data-care-type="([^"]+)">\s*<th scope="row" class="utrecht-table__cell">([^<]+)</th>\s*<td class="utrecht-table__cell number">([^<]+)</td>(?:(?!</tr>).)*?href="(/gemeente/wat-als\?zorgvorm=[^"]+)">""", RegexOptions.Singleline)]
    private static partial Regex ShortfallRows();
}
