#!/usr/bin/env python3
"""Writes the credit-risk-xgb demo: three versions scored on the same 3,000 applicants.

v1 is the approved champion; v2 is a better candidate that passes quality, bias and feature
importance; v3 predicts late repayment for women more often at the same risk and leans on `age`
(fails bias and feature importance). Deterministic (seeded); plain Python, no dependencies. Run from the repo root:
    python3 examples/make-credit-risk-demo.py
"""
import csv, hashlib, json, math, random

N = 3000
rnd = random.Random(20261122)
people = []
for i in range(N):
    sex = 'F' if rnd.random() < 0.5 else 'M'
    age = rnd.randint(21, 79)
    income = rnd.gauss(0, 1)
    debt = rnd.gauss(0, 1)
    history = rnd.gauss(0, 1)
    risk = 1.4 * debt - 1.1 * income - 0.9 * history + rnd.gauss(0, 0.8)
    label = 1 if risk > 0.4 else 0  # 1 = repays late (the positive class)
    people.append(dict(sex=sex, age=age, income=income, debt=debt, history=history, risk=risk, label=label, group=f"region-{i % 6}"))

def sigmoid(x):
    return 1 / (1 + math.exp(-x))

def scores(version):
    out = []
    for p in people:
        noise = rnd.gauss(0, {1: 0.95, 2: 0.75, 3: 0.9}[version])
        z = p['risk'] + noise - 0.4
        if version == 3:
            z += (0.9 if p['sex'] == 'F' else 0) + 0.025 * (p['age'] - 50)
        out.append(round(sigmoid(1.6 * z), 4))
    return out

def write_predictions(version, s):
    path = f"examples/data/credit-risk-xgb/v{version}-predictions.csv"
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['label', 'prediction', 'score', 'sex', 'age', 'group'])
        for p, sc in zip(people, s):
            w.writerow([p['label'], 1 if sc >= 0.5 else 0, sc, p['sex'], p['age'], p['group']])
    return path

def write_explainability(version):
    shap = {1: dict(debt=0.41, income=0.33, history=0.27, age=0.011, sex=0.004),
            2: dict(debt=0.44, income=0.31, history=0.29, age=0.008, sex=0.003),
            3: dict(debt=0.30, age=0.29, income=0.22, sex=0.12, history=0.10)}[version]
    report = {"version": "1.0", "explanations": {"kernel_shap": {"label0": {
        "global_shap_values": shap, "expected_value": 0.31}}}}
    path = f"examples/data/credit-risk-xgb/v{version}-explainability.json"
    body = json.dumps(report, indent=2) + "\n"
    open(path, 'w').write(body)
    return path, "sha256:" + hashlib.sha256(body.encode()).hexdigest()

status = {1: ("Approved", "2026-10-15T09:00:00Z"), 2: ("PendingManualApproval", "2026-11-21T09:00:00Z"), 3: ("PendingManualApproval", "2026-11-21T10:00:00Z")}
for v in (1, 2, 3):
    preds = write_predictions(v, scores(v))
    expl, digest = write_explainability(v)
    pkg = {
        "ModelPackageGroupName": "credit-risk-xgb",
        "ModelPackageVersion": v,
        "ModelPackageArn": f"arn:aws:sagemaker:eu-west-1:111111111111:model-package/credit-risk-xgb/{v}",
        "ModelPackageDescription": f"Consumer credit risk XGBoost, version {v} (demo)",
        "CreationTime": status[v][1],
        "ModelPackageStatus": "Completed",
        "ModelApprovalStatus": status[v][0],
        "CreatedBy": {"UserProfileName": "credit-ml", "IamIdentity": {"Arn": "arn:aws:sts::111111111111:assumed-role/SageMakerPipelineRole/credit-pipeline"}},
        "InferenceSpecification": {"Containers": [{"Image": "111111111111.dkr.ecr.eu-west-1.amazonaws.com/xgboost:1.7-1",
                                                     "ModelDataUrl": f"s3://demo-models/credit-risk-xgb/{v}/model.tar.gz"}],
                                    "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]},
        "ModelMetrics": {"Explainability": {"Report": {"ContentType": "application/json", "S3Uri": f"file:{expl}", "ContentDigest": digest}}},
        "CustomerMetadataProperties": {"team": "credit-risk", "modelgate:evidence:predictions": f"file:{preds}"},
    }
    if v == 1:
        pkg["ApprovalDescription"] = "approved by modelgate run (demo seed)"
    with open(f"examples/registry/credit-risk-xgb/{v}.json", "w") as f:
        json.dump(pkg, f, indent=2)
        f.write("\n")
print("wrote examples/registry/credit-risk-xgb and examples/data/credit-risk-xgb")
