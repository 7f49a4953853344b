"""notebooks/quickstart.ipynb runs from top to bottom in a kernel of this environment."""
import json

import pytest

NOTEBOOK = "notebooks/quickstart.ipynb"


def test_notebook_is_committed_without_outputs(root):
    nb = json.loads((root / NOTEBOOK).read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    source = "".join("".join(c["source"]) for c in nb["cells"])
    assert "shared" not in source and "corpus" in source


@pytest.mark.slow
def test_notebook_runs(root):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    nb = nbformat.read(root / NOTEBOOK, as_version=4)
    # "python3" is this interpreter's ipykernel; the notebook runs from notebooks/ as in Jupyter
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(root / "notebooks")}})
    client.execute()            # raises CellExecutionError on any failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert 'class="entities"' in html and "admin_reconsideration.received" in html      # displaCy
    assert any("image/png" in o.get("data", {}) for o in outputs)                      # the plot
    text = "".join(o.get("text", "") for o in outputs)
    assert "红旗区人民政府 2021" in text                                                   # one report
    assert "facts;" in text                                                            # Parquet read back
