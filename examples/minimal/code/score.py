"""Scoring script of the bundled example: a linear model read from the model directory."""
import ctypes.util
import json
import logging
import os

from tinylinear import LinearModel  # installed from requirements.txt

model = None


def init():
    global model
    path = os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.json")
    with open(path, encoding="utf-8") as handle:
        model = LinearModel.from_dict(json.load(handle))
    # libgomp1 comes from apt-packages; many ML wheels need it at run time.
    logging.info("model loaded from %s; OpenMP runtime: %s", path, ctypes.util.find_library("gomp"))


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    return {"predictions": model.predict(rows), "openmp": ctypes.util.find_library("gomp") is not None}
