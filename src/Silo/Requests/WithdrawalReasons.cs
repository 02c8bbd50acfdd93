namespace Matchmaker.Silo.Requests;

/// <summary>Why a desk withdraws a request: kept in the audit and the dossier, and counted in the figures.</summary>
public static class WithdrawalReasons
{
    public const string NoLongerNeeded = "no-longer-needed";
    public const string PlacedElsewhere = "placed-elsewhere";
    public const string MeasureEnded = "measure-ended";
    public const string Duplicate = "duplicate";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [NoLongerNeeded, PlacedElsewhere, MeasureEnded, Duplicate, Other];
}
