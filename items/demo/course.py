"""The course deck "(not a) Tutorial 12 – ML & the future" (Carleton University, Dec. 2020) as data.

Titles, categories, excerpts, captions and credits are as on the slides (deck.md beside this
file). Links are given only where the canonical address is certain; sources are left empty
because the deck does not name them.
"""

import datetime

# (label on the slide, full name), in the order the deck introduces them.
CATEGORIES = [
    ("DL", "Deep Learning"),
    ("NLP", "Natural Language Processing"),
    ("Robotics", "Robotics"),
    ("Vision", "Computer Vision"),
    ("ML", "Machine Learning"),
    ("DS", "Data Science"),
    ("RL", "Reinforcement Learning"),
    ("Ethics", "Ethics"),
]

DYNABENCH = (
    "Dynabench is a research platform for dynamic data collection and benchmarking. Static "
    "benchmarks have well-known issues: they saturate quickly, are susceptible to overfitting, "
    "contain exploitable annotator artifacts and have unclear or imperfect evaluation metrics.\n\n"
    "This platform in essence is a scientific experiment: can we make faster progress if we "
    "collect data dynamically, with humans and models in the loop, rather than in the "
    "old-fashioned static way?"
)

VIT_ABSTRACT = (
    "While the Transformer architecture has become the de-facto standard for natural language "
    "processing tasks, its applications to computer vision remain limited. In vision, attention "
    "is either applied in conjunction with convolutional networks, or used to replace certain "
    "components of convolutional networks while keeping their overall structure in place. We "
    "show that this reliance on CNNs is not necessary and a pure transformer can perform very "
    "well on image classification tasks when applied directly to sequences of image patches. "
    "When pre-trained on large amounts of data and transferred to multiple recognition "
    "benchmarks (ImageNet, CIFAR-100, VTAB, etc.), Vision Transformer attain excellent results "
    "compared to state-of-the-art convolutional networks while requiring substantially fewer "
    "computational resources to train."
)

FEATURE_VISUALIZATION = (
    "Feature visualization allows us to see how GoogLeNet [1], trained on the ImageNet [3] "
    "dataset, builds up its understanding of images over many layers. Visualizations of all "
    "channels are available in the annotation."
)

DISTILL_SCREENSHOT_ALT = (
    "The homepage of the Distill Journal. At the top, a dark teal header with the word "
    "“Distill” and a small logo on the left, and “ABOUT” and “PRIZE” links on the right. The "
    "main title “Machine Learning Research Should Be Clear, Dynamic and Vivid. Distill Is Here "
    "to Help.” is centered in a large, white, sans-serif font. Below it, two sections: “A "
    "JOURNAL”, with a laptop icon and text about clear explanations native to the Web, and "
    "“$10,000 PRIZES”, with a gold medal icon and text about outstanding work communicating and "
    "refining ideas."
)


def photo(position, label, credit):
    return {
        "position": position,
        "kind": "photo",
        "subfigure_label": label,
        "caption": "",
        "credit": credit,
        "licence": "CC-BY-NC",
        "alt_text": (
            f"Example photo {label} shown with the PlaNet photo-geolocation story "
            f"(CC-BY-NC by {credit}). Placeholder: the original picture is not available."
        ),
    }


def item(label, title, **extra):
    return {"category": label, "title": title, **extra}


# Each issue: its date and its items in slide order.
ISSUES = [
    (
        datetime.date(2020, 9, 18),
        [
            item(
                "DL",
                '"NVIDIA apologizes for instant-sold-out GeForce RTX 3080 cards"',
                tags=["hardware", "gpus"],
            ),
            item(
                "NLP",
                "A college student used GPT-3 to write fake blog posts and ended up at the top of Hacker News",
                tags=["gpt-3", "language-models", "misinformation"],
            ),
        ],
    ),
    (
        datetime.date(2020, 9, 25),
        [
            item(
                "NLP",
                "Go Ahead, Try to Sneak Bad Words Past AI Filters—for Research",
                excerpt_title="Rethinking AI Benchmarking",
                excerpt=DYNABENCH,
                tags=["benchmarks", "datasets"],
            ),
            item(
                "Robotics",
                "An adaptive deep reinforcement learning framework enables curling robots with "
                "human-like performance in real-world conditions",
                tags=["reinforcement-learning", "robots"],
            ),
            item(
                "Vision",
                "PlaNet: Photo Geolocation with Convolutional Neural Networks",
                tags=["cnn", "geolocation"],
                media=[
                    photo(1, "(a)", "stevekc"),
                    photo(2, "(b)", "edwin.11"),
                    photo(3, "(c)", "jonathanfh"),
                ],
            ),
            item(
                "Vision",
                "Google is using AI to create stunning landscape photos using Street View imagery",
                tags=["image-generation", "photography"],
            ),
        ],
    ),
    (
        datetime.date(2020, 10, 2),
        [
            item(
                "ML",
                "Introducing the Distill Journal",
                tags=["publishing", "visualization"],
                media=[
                    {
                        "position": 1,
                        "kind": "screenshot",
                        "caption": "The Distill Journal’s homepage: “Machine Learning Research Should Be "
                        "Clear, Dynamic and Vivid. Distill Is Here to Help.”",
                        "alt_text": DISTILL_SCREENSHOT_ALT,
                    }
                ],
            ),
            item("NLP", "Concept Mover's Distance", tags=["text-analysis", "embeddings"]),
            item("Vision", "Google launches AI lip-sync challenge", tags=["challenges", "video"]),
        ],
    ),
    (
        datetime.date(2020, 10, 9),
        [
            item("ML", "NeurIPS 2020 Accepted Papers", tags=["conferences", "research"]),
            item(
                "Vision",
                '"Farewell Convolutions": Anonymous ICLR 2021 Paper Uses Transformers for Image '
                "Recognition at Scale",
                excerpt_title="An Image Is Worth 16x16 Words: Transformers for Image Recognition at "
                "Scale (anonymous authors, paper under double-blind review)",
                excerpt=VIT_ABSTRACT,
                tags=["transformers", "conferences", "research"],
            ),
            item("DS", "Plotly Visualization", tags=["visualization", "tools"]),
            item(
                "NLP",
                'Reddit: thegentlemetre ("GPT-3 Bot Spends a Week Replying on Reddit, Starts Talking '
                'About the Illuminati")',
                tags=["gpt-3", "language-models", "misinformation"],
            ),
        ],
    ),
    (
        datetime.date(2020, 10, 16),
        [
            item(
                "ML",
                "Google Colab: How does it compare to a GPU-enabled laptop?",
                tags=["hardware", "gpus", "tools"],
                media=[
                    {
                        "position": 1,
                        "kind": "chart",
                        "caption": "Fashion-MNIST - Training Time (seconds) Comparison. Sum of Seconds "
                        "for each Machine.",
                        "alt_text": "Chart comparing the Fashion-MNIST training time in seconds, summed "
                        "for each machine. Placeholder: the original chart is not available.",
                    }
                ],
            ),
            item(
                "Vision",
                '"NeurIPS 2020 Workshop — Indie GAN Interpolation Method Turns Selfies Into Cartoon '
                "Characters",
                tags=["gans", "image-generation"],
            ),
            item(
                "ML",
                "A radical new technique lets AI learn with practically no data",
                tags=["few-shot-learning", "research"],
            ),
            item(
                "Vision",
                "Benchmark analysis of representative deep neural network architectures",
                tags=["benchmarks", "cnn"],
            ),
        ],
    ),
    (
        datetime.date(2020, 11, 6),
        [
            item(
                "NLP",
                "PollyVote: Ottawa-based AI-powered startup predict elections (Advanced Symbolics, Inc.)",
                tags=["elections", "forecasting"],
            ),
            item(
                "DL",
                "Feature Visualization: How neural networks build up their understanding of images",
                link="https://distill.pub/2017/feature-visualization/",
                excerpt_title="Feature Visualization — How neural networks build up their understanding of Images",
                excerpt=FEATURE_VISUALIZATION,
                tags=["visualization", "interpretability", "cnn"],
            ),
            item(
                "Vision",
                "Tinker With a Neural Network Right Here in Your Browser",
                link="https://playground.tensorflow.org/",
                tags=["visualization", "tools", "teaching"],
            ),
        ],
    ),
    (
        datetime.date(2020, 11, 13),
        [
            item(
                "ML",
                "OpenAI's Open Sourced These Frameworks to Visualize Neural Networks",
                tags=["visualization", "open-source", "interpretability"],
            ),
            item(
                "RL",
                "GoogleAI Open Sourced this Architecture for Massively Scalable Reinforcement Learning Models",
                tags=["reinforcement-learning", "open-source"],
            ),
            item(
                "RL",
                "DeepMind Open-Sources Lab2D: Environmental Design for Multi-Agent RL Research",
                tags=["reinforcement-learning", "open-source", "multi-agent"],
                media=[
                    {
                        "position": 1,
                        "kind": "figure",
                        "caption": "Figure 1 | “Running With Scissors” screenshot.",
                        "alt_text": "Screenshot of the “Running With Scissors” environment from DeepMind "
                        "Lab2D. Placeholder: the original figure is not available.",
                    }
                ],
            ),
        ],
    ),
    (
        datetime.date(2020, 12, 4),
        [
            item(
                "NLP",
                'DeepMind\'s AlphaFold2 "Solves" a 50-year-old Grand Challenge in Biology',
                tags=["protein-folding", "transformers", "science"],
            ),
            item("Ethics", 'Timnit Gebru "Leaves" Google', tags=["ai-ethics", "big-tech"]),
        ],
    ),
]

# (number, headline, body, evidence as (issue date, position)).
INSIGHTS = [
    (
        1,
        "growing exponentially",
        "AI/ML advances growing exponentially (~30,000 papers annually published; ~80/day!)",
        [(datetime.date(2020, 10, 9), 1)],
    ),
    (
        2,
        "solve major world problems",
        "The creative application of ML to non-typical cases can solve major world problems (e.g. "
        "seq2seq simplifies Google codebase, NLP applied to legal documents, Transformers for "
        "Protein Folding, etc.)",
        [(datetime.date(2020, 12, 4), 1)],
    ),
    (
        3,
        "super-human",
        "AI Agents will increasingly show “super-human” ability not just digitally but also in the "
        "wild (e.g. Chess, Go, StarCraft II, Atari Games, Ping-Pong, Curling, etc.)",
        [(datetime.date(2020, 9, 25), 2)],
    ),
    (
        4,
        "The role of AI use (and regulation) within Big Tech",
        "The role of AI use (and regulation) within Big Tech will be critical to privacy "
        "preservation in this next decade (e.g. ClearviewAI, NYT “Rabbit Hole”, Dr. Shoshana "
        "Zuboff’s “Surveillance Capitalism”, Timnit Gebru, etc.)",
        [(datetime.date(2020, 12, 4), 2)],
    ),
]

OPEN_DISCUSSION = {
    "slug": "open-discussion",
    "title": "Open Discussion",
    "prompt": "What are your thoughts? Where will ML take you?",
    "display_order": 0,
}
