// exercise: 4.1a
// expect: forbidden-api Microsoft.VisualBasic.CompilerServices.NewLateBinding
// Late binding calls the library's head split by name, so no forbidden member appears in the source.
Tensor SplitFusedQkv(Tensor X, int heads)
{
    object result = Microsoft.VisualBasic.CompilerServices.NewLateBinding.LateGet(X, null, "Reshape", [X.Shape[0], X.Shape[1], heads, X.Shape[2] / heads], null, null, null)!;
    return (Tensor)result;
}
