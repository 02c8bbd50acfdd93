using Matchmaker.Silo.Figures;
using Matchmaker.Web.Infrastructure;
using Matchmaker.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Municipality;

/// <summary>
/// What-if for purchasing (role municipality, its own region): buy places, contract a place, or sweep every care type
/// for where one more place helps most. Every run is stored; the result has its own page (Post/Redirect/Get). The engine
/// computes in its heavy lane: a municipality that has a run computing, or asks when the lane is full or its region has
/// stored its runs for today, gets 429 with Retry-After and this page again with its input and a sentence saying when.
/// </summary>
public sealed class WhatIfModel(WhatIfRuns runs) : PageModel
{
    public sealed class PurchaseForm
    {
        public string? CareType { get; set; }
        public string? Units { get; set; } = "1";
        public string? AgeBand { get; set; } = "all";
        /// <summary>As sent: the engine judges it, so a malformed id is refused beside the field instead of binding to the region's centre.</summary>
        public string? Municipality { get; set; }
        public List<string> Specialisms { get; set; } = [];
    }

    [BindProperty]
    public PurchaseForm Purchase { get; set; } = new();

    public Guid? ChosenOffering { get; private set; }

    /// <summary>Field id → Dutch message, in the order of the form.</summary>
    public Dictionary<string, string> Problems { get; } = [];

    /// <summary>Why nothing ran although the input was fine (busy, or the day's runs used up), and when to try again.</summary>
    public string? Notice { get; private set; }

    /// <summary>
    /// The answer to a caller who is told to wait: the form with its input, without the contract options and earlier runs,
    /// which read the whole market. A refusal must cost less than what it refuses, or a flood of them is the load.
    /// </summary>
    public bool Light { get; private set; }

    public IReadOnlyList<WhatIfRuns.Municipality> Municipalities { get; private set; } = [];
    public IReadOnlyList<WhatIfRuns.ContractOption> ContractOptions { get; private set; } = [];
    public IReadOnlyList<WhatIfRuns.Run> Latest { get; private set; } = [];

    private string RegionCode => Caller.Of(HttpContext).RegionCode!;

    /// <param name="zorgvorm">a care type to start from ("Reken door" on the shortage page), by its word in addresses</param>
    public async Task OnGetAsync(string? zorgvorm)
    {
        Purchase.CareType = CareTypeWords.FromAddress(zorgvorm);
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostPurchaseAsync()
    {
        var units = int.TryParse(Purchase.Units?.Trim(), out var parsed) ? parsed : 0;
        return await AnsweredAsync(await runs.PurchaseAsync(RegionCode, Caller.Of(HttpContext).Id,
            new WhatIfRuns.PurchaseInput(Purchase.CareType ?? "", units, Purchase.AgeBand ?? "", Purchase.Municipality, [.. Purchase.Specialisms.Distinct()]),
            HttpContext.RequestAborted));
    }

    public async Task<IActionResult> OnPostContractAsync(Guid? offering)
    {
        ChosenOffering = offering;
        return await AnsweredAsync(await runs.ContractAsync(RegionCode, Caller.Of(HttpContext).Id, offering, HttpContext.RequestAborted));
    }

    public async Task<IActionResult> OnPostSweepAsync() => await AnsweredAsync(await runs.SweepAsync(RegionCode, Caller.Of(HttpContext).Id, HttpContext.RequestAborted));

    private async Task<IActionResult> AnsweredAsync(WhatIfAnswer answer)
    {
        switch (answer.Status)
        {
            case WhatIfStatus.Stored:
                return Redirect($"/gemeente/wat-als/{answer.RunId}");
            case WhatIfStatus.Refused:
                foreach (var problem in answer.Problems) Problems[problem.Field] = Sentence(problem.Rule);
                Response.StatusCode = StatusCodes.Status400BadRequest;
                await LoadAsync();
                return Page();
            case WhatIfStatus.Computing:
                Notice = "De berekening loopt nog. Over enkele seconden staat zij bij de eerdere berekeningen op de volledige pagina.";
                Response.StatusCode = StatusCodes.Status202Accepted;
                break;
            case WhatIfStatus.Busy:
                Notice = $"De berekening is niet gestart: er loopt al een berekening voor u, of er wordt nu zoveel gerekend dat er even geen plaats is. Probeer het {Busy.In(answer.RetryAfter)} opnieuw.";
                Busy.Refuse(HttpContext, answer.RetryAfter);
                break;
            case WhatIfStatus.DailyCapReached:
                Notice = $"De berekening is niet gestart: uw regio heeft vandaag al {runs.RunsPerDay} berekeningen opgeslagen, het maximum per dag. Morgen kunt u weer nieuwe berekeningen maken; die van vandaag blijven bij de eerdere berekeningen staan.";
                Busy.Refuse(HttpContext, answer.RetryAfter);
                break;
        }
        Light = true;
        Municipalities = await runs.MunicipalitiesAsync(RegionCode);
        return Page();
    }

    public static string Sentence(WhatIfRule rule) => rule switch
    {
        WhatIfRule.CareTypeUnknown => "Kies de zorgvorm die u wilt inkopen.",
        WhatIfRule.UnitsOutOfRange => $"Vul een aantal plekken in van 1 tot en met {Matching.Purchasing.WhatIf.MaxUnits}.",
        WhatIfRule.AgeBandUnknown => "Kies een leeftijdsgroep uit de lijst.",
        WhatIfRule.MunicipalityNotInRegion => "Kies een gemeente van uw regio, of het midden van de regio.",
        WhatIfRule.SpecialismUnknown => "Kies alleen specialismen uit de lijst.",
        _ => "Kies een aanbod uit de lijst.",
    };

    private async Task LoadAsync()
    {
        Municipalities = await runs.MunicipalitiesAsync(RegionCode);
        ContractOptions = await runs.ContractOptionsAsync(RegionCode);
        Latest = await runs.LatestAsync(RegionCode);
    }
}
