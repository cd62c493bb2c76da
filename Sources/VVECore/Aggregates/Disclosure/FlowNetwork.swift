/// A flow network with Dinic's maximum flow, and feasibility of a circulation whose edges
/// have lower and upper bounds: what `TableBounds` asks of a table's released counts.
struct FlowNetwork {
    private struct Edge {
        let to: Int
        var capacity: Int64
    }

    private var edges: [Edge] = []
    private var adjacency: [[Int]]

    init(nodes: Int) {
        adjacency = Array(repeating: [], count: nodes)
    }

    mutating func addEdge(from: Int, to: Int, capacity: Int64) {
        adjacency[from].append(edges.count)
        edges.append(Edge(to: to, capacity: capacity))
        adjacency[to].append(edges.count)
        edges.append(Edge(to: from, capacity: 0))
    }

    /// The maximum flow from `source` to `sink`; the network keeps the residual capacities.
    mutating func maximumFlow(from source: Int, to sink: Int) -> Int64 {
        var total: Int64 = 0
        while let levels = levels(from: source, to: sink) {
            var next = Array(repeating: 0, count: adjacency.count)
            while true {
                let pushed = push(source, sink, Int64.max, levels, &next)
                if pushed == 0 { break }
                total += pushed
            }
        }
        return total
    }

    private func levels(from source: Int, to sink: Int) -> [Int]? {
        var level = Array(repeating: -1, count: adjacency.count)
        level[source] = 0
        var queue = [source]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for index in adjacency[node] where edges[index].capacity > 0 && level[edges[index].to] < 0 {
                level[edges[index].to] = level[node] + 1
                queue.append(edges[index].to)
            }
        }
        return level[sink] < 0 ? nil : level
    }

    private mutating func push(_ node: Int, _ sink: Int, _ limit: Int64, _ level: [Int], _ next: inout [Int]) -> Int64 {
        if node == sink { return limit }
        while next[node] < adjacency[node].count {
            let index = adjacency[node][next[node]]
            let edge = edges[index]
            if edge.capacity > 0, level[edge.to] == level[node] + 1 {
                let pushed = push(edge.to, sink, min(limit, edge.capacity), level, &next)
                if pushed > 0 {
                    edges[index].capacity -= pushed
                    edges[index ^ 1].capacity += pushed
                    return pushed
                }
            }
            next[node] += 1
        }
        return 0
    }
}

/// An edge of a circulation: at least `lower`, at most `upper`.
struct BoundedEdge {
    let from: Int
    let to: Int
    let lower: Int64
    let upper: Int64
}

extension FlowNetwork {
    /// Whether some circulation over `nodes` nodes meets every edge's bounds: the classic
    /// reduction to a maximum flow from a new source to a new sink.
    static func circulationExists(nodes: Int, edges: [BoundedEdge]) -> Bool {
        guard edges.allSatisfy({ $0.lower <= $0.upper }) else { return false }
        var network = FlowNetwork(nodes: nodes + 2)
        let source = nodes
        let sink = nodes + 1
        var excess = Array(repeating: Int64(0), count: nodes)
        for edge in edges {
            if edge.upper > edge.lower { network.addEdge(from: edge.from, to: edge.to, capacity: edge.upper - edge.lower) }
            excess[edge.to] += edge.lower
            excess[edge.from] -= edge.lower
        }
        var demand: Int64 = 0
        for (node, amount) in excess.enumerated() {
            if amount > 0 {
                network.addEdge(from: source, to: node, capacity: amount)
                demand += amount
            } else if amount < 0 {
                network.addEdge(from: node, to: sink, capacity: -amount)
            }
        }
        return network.maximumFlow(from: source, to: sink) == demand
    }
}
