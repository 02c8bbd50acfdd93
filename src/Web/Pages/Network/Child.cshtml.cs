using Matchmaker.Silo.Access;
using Matchmaker.Silo.Networks;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Network;

/// <summary>
/// One escalated child against national capacity. The network may hold a place on the child's region's behalf: every
/// such hold is a step past the region's own choice, so it asks a reason and a confirmation, and both go into the
/// audit and the child's dossier.
/// </summary>
public sealed class ChildModel(NetworkReads networks, IGrainFactory grains, HoldCommands commands, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public Guid? OfferingId { get; set; }
    [BindProperty] public string? HoldReason { get; set; }
    [BindProperty] public bool HoldConfirmed { get; set; }
    [BindProperty] public bool Parallel { get; set; }
    [BindProperty] public string? DistanceNote { get; set; }

    public EscalatedChildren.Child Child { get; private set; } = null!;
    public NationalPlaces.Found Places { get; private set; } = new([], []);
    public Dictionary<string, string> Errors { get; } = [];
    public DateOnly Today { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await ShowAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostHoldAsync()
    {
        if (!await ShowAsync()) return NotFound();
        if (OfferingId is null || Places.Suitable.All(p => p.OfferingId != OfferingId))
            Errors["offering"] = "Kies een vrije plek uit de lijst.";
        if (PlainReason.ProblemWith(HoldReason, "Geef de reden voor deze reservering namens de regio.") is { } problem)
            Errors["hold-reason"] = problem;
        if (!HoldConfirmed) Errors["hold-confirmed"] = "Bevestig dat u namens de regio reserveert.";
        if (Child.Status != "open") Errors["offering"] = "Dit kind wacht niet meer op een plek.";
        if (Errors.Count > 0) return Page();
        var caller = Caller.Of(HttpContext);
        // The hold belongs to the child's region (its desk sees it, its limits apply); the audit says the network placed it.
        var onBehalf = new Actor(caller.Id, caller.Kind, Roles.Network, Child.RegionCode, null);
        try
        {
            var holds = await commands.PlaceAsync(onBehalf, Id, OfferingId!.Value, null, null, Parallel, HoldReason!.Trim());
            TempData["Message"] = $"Plek gereserveerd namens {Child.RegionName} tot {holds[0].ExpiresAt.ToLocalTime():dd-MM HH:mm}; de aanbieder beslist.";
            return Redirect($"/bovenregionaal/kind/{Id}");
        }
        catch (MarketRuleException e)
        {
            Errors["offering"] = e.Code == RuleCode.ParallelHoldNeedsConfirmation
                ? "Dit kind heeft al een reservering die op antwoord wacht. Een tweede neemt nog een schaarse plek in: vink 'naast de lopende reservering' aan als dat de bedoeling is."
                : $"Niet gereserveerd: {Dutch.Refusal(e.Code)}.";
            return Page();
        }
    }

    /// <summary>
    /// Places would suit if the child could live further from home: the network asks the child's desk, with one action,
    /// to widen the maximum distance. The ask lands in the dossier; asked again at the same distance, nothing new happens.
    /// </summary>
    public async Task<IActionResult> OnPostAskDistanceAsync()
    {
        if (!await ShowAsync()) return NotFound();
        var note = DistanceNote?.Trim();
        if (note is { Length: > PlainText.MaxReasonLength }) Errors["distance-note"] = $"De toelichting is hooguit {PlainText.MaxReasonLength} tekens.";
        else if (PlainText.DutchProblemWith(note, "De toelichting") is { } notPlain) Errors["distance-note"] = notPlain;
        if (Errors.Count > 0) return Page();
        bool asked;
        try
        {
            asked = await grains.Request(Child.RegionCode, Id).AskWiderDistance(Caller.Of(HttpContext).ToActor(), note);
        }
        catch (MarketRuleException e) when (e.Code != RuleCode.NotFound)
        {
            Errors["distance-note"] = e.Code == RuleCode.RequestNotOpen ? "Dit kind wacht niet meer op een plek." : Dutch.Sentence(Dutch.Refusal(e.Code));
            return Page();
        }
        TempData["Message"] = asked
            ? $"De tafel van {Child.RegionName} is gevraagd de maximale afstand te verruimen; het verzoek staat in het dossier."
            : $"Dit verzoek staat al in het dossier; de tafel van {Child.RegionName} beslist erover.";
        return Redirect($"/bovenregionaal/kind/{Id}");
    }

    private async Task<bool> ShowAsync()
    {
        var caller = Caller.Of(HttpContext);
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (await networks.ChildAsync(caller.ToActor(), caller.RegionCode!, Id) is not { } child) return false;
        Child = child;
        Places = await networks.PlacesForAsync(child, Today);
        return true;
    }

    public int Age => Silo.Market.MarketRows.Age(Child.BirthMonth, Today);

    /// <summary>What the child's region's policy says of a place, in words.</summary>
    public string PolicyOf(NationalPlaces.Row place) => (place.InChildsRegion(Child), place.Contracted, place.BudgetCeilingReached) switch
    {
        (true, true, false) => "In de regio, ingekocht",
        (_, true, true) => $"{(place.InChildsRegion(Child) ? "In de regio" : "Buiten de regio")}, ingekocht maar budgetplafond bereikt",
        (false, true, false) => "Buiten de regio, ingekocht",
        (true, false, _) => "In de regio, niet ingekocht",
        _ => "Buiten de regio, niet ingekocht",
    };
}
