namespace Attention;

internal static class MergeHeadsExercises
{
    public static Exercise[] All => [];
}
