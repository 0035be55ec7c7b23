"""Fine-tuned transformer encoders as ONNX files: the one way the analysers open them
(onnxruntime, no torch at run time) and the one way the trainers write them (traced by
torch, weights quantised to int8 on request)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, Mapping, Sequence

from .errors import ModelNotFound

__all__ = ["session", "export", "default_threads"]


def default_threads() -> int:
    """onnxruntime threads for a session whose settings name none: the process's share
    of the cores, which ``analyze --workers N`` sets in ``OMP_NUM_THREADS`` for each
    worker process, else (one process alone) every core."""
    from .batch import usable_cores

    value = os.environ.get("OMP_NUM_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else usable_cores()


def session(path: str | Path, threads: int = 1, spin: bool = True):
    """An onnxruntime session on the CPU for the graph at ``path``, running each operator
    on ``threads`` threads (one by default: ``analyze --workers`` parallelises across
    processes instead). ``spin=False`` lets idle threads sleep instead of busy-waiting
    for the next operator: on a shared machine spinning doubled the CPU time of two
    threads for no gain in wall time."""
    try:
        import onnxruntime as ort
    except ImportError:
        raise ModelNotFound("fine-tuned encoders need onnxruntime "
                            "(pip install 'narrascope[ml]')") from None
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = int(threads)
    opts.inter_op_num_threads = 1
    if not spin:
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def export(module, args: Sequence[Any], path: str | Path, *, input_names: Sequence[str],
           output_names: Sequence[str], dynamic_axes: Mapping[str, Mapping[int, str]],
           quantise: bool = True, quantise_options: Mapping[str, Any] | None = None,
           keep_float: Sequence[str] = ()) -> Path:
    """Trace ``module`` on the sample ``args`` into an ONNX graph at ``path``; with
    ``quantise``, its weights are stored as int8 (dynamic quantisation: about a quarter
    of the size, a little of the accuracy). ``quantise_options`` go to onnxruntime's
    ``quantize_dynamic`` (``per_channel``, ``reduce_range``...); nodes whose names
    contain one of ``keep_float`` stay in fp32."""
    import torch

    path = Path(path)
    fp32 = path.with_name(path.stem + ".fp32.onnx")
    module.eval()
    with warnings.catch_warnings():
        # the tracer's notes on shapes it freezes; callers check the written graph
        warnings.simplefilter("ignore")
        torch.onnx.export(module, tuple(args), str(fp32), input_names=list(input_names),
                          output_names=list(output_names), dynamic_axes=dict(dynamic_axes),
                          opset_version=17, dynamo=False)
    if quantise:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        options = dict(quantise_options or {})
        if keep_float:
            import onnx

            names = [n.name for n in onnx.load(str(fp32), load_external_data=False).graph.node]
            options["nodes_to_exclude"] = [n for n in names if any(k in n for k in keep_float)]
        quantize_dynamic(str(fp32), str(path), weight_type=QuantType.QInt8, **options)
        fp32.unlink()
    else:
        os.replace(fp32, path)
    return path
