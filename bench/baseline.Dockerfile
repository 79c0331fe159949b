# The baseline: the Dockerfile a user writes by hand from Microsoft's recipe for extending a
# prebuilt Azure ML inference image, in the recipe's own order (code, then model). The benchmark
# copies it into the project folder as `Dockerfile`. Same apt packages and the same apt/pip flags
# as the action's generated Dockerfile, so both sides do the same package work.
# BASE: the benchmark's fat base (scenarios 1f and 5f) stands in for a multi-GB Azure ML base.
ARG BASE=azureml-standin/minimal-inference:latest
FROM ${BASE}

USER root
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 libopenblas0-pthread \
 && apt-get clean -y && rm -rf /var/lib/apt/lists/*

# As root: the image's Python environment is root-owned. The index comes in as build args
# (pip reads PIP_INDEX_URL / PIP_TRUSTED_HOST), as the action does on the legacy builder.
COPY requirements.txt /tmp/requirements.txt
ARG PIP_INDEX_URL
ARG PIP_TRUSTED_HOST
RUN pip install --no-cache-dir -r /tmp/requirements.txt

USER dockeruser
COPY code /var/azureml-app
ENV AZUREML_ENTRY_SCRIPT=score.py
COPY model /var/azureml-app/azureml-models
ENV AZUREML_MODEL_DIR=/var/azureml-app/azureml-models
