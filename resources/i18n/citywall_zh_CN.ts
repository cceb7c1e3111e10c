<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Actions</name>
    <message>
        <source>Wall</source>
        <translation>视频墙</translation>
    </message>
    <message>
        <source>Layouts</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>Views and tours</source>
        <translation>视图与轮巡</translation>
    </message>
    <message>
        <source>Windows and language</source>
        <translation>窗口与语言</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Focus the selected tile (main stream)</source>
        <translation>放大选中画面（主码流）</translation>
    </message>
    <message>
        <source>Back to the wall / cancel</source>
        <translation>返回视频墙 / 取消</translation>
    </message>
    <message>
        <source>Select the tile to the left</source>
        <translation>选择左侧画面</translation>
    </message>
    <message>
        <source>Select the tile to the right</source>
        <translation>选择右侧画面</translation>
    </message>
    <message>
        <source>Select the tile above</source>
        <translation>选择上方画面</translation>
    </message>
    <message>
        <source>Select the tile below</source>
        <translation>选择下方画面</translation>
    </message>
    <message>
        <source>Empty the selected tile</source>
        <translation>清空选中画面</translation>
    </message>
    <message>
        <source>Snapshot of the selected tile (PNG with time)</source>
        <translation>抓拍选中画面（PNG，带时间）</translation>
    </message>
    <message>
        <source>1 tile</source>
        <translation>1 分屏</translation>
    </message>
    <message>
        <source>4 tiles</source>
        <translation>4 分屏</translation>
    </message>
    <message>
        <source>9 tiles</source>
        <translation>9 分屏</translation>
    </message>
    <message>
        <source>16 tiles</source>
        <translation>16 分屏</translation>
    </message>
    <message>
        <source>25 tiles</source>
        <translation>25 分屏</translation>
    </message>
    <message>
        <source>36 tiles</source>
        <translation>36 分屏</translation>
    </message>
    <message>
        <source>64 tiles</source>
        <translation>64 分屏</translation>
    </message>
    <message>
        <source>100 tiles</source>
        <translation>100 分屏</translation>
    </message>
    <message>
        <source>120 tiles</source>
        <translation>120 分屏</translation>
    </message>
    <message>
        <source>1 large + 5</source>
        <translation>1 大 5 小</translation>
    </message>
    <message>
        <source>1 large + 7</source>
        <translation>1 大 7 小</translation>
    </message>
    <message>
        <source>2 large + 8</source>
        <translation>2 大 8 小</translation>
    </message>
    <message>
        <source>1 large + 12</source>
        <translation>1 大 12 小</translation>
    </message>
    <message>
        <source>Next layout</source>
        <translation>下一布局</translation>
    </message>
    <message>
        <source>Previous layout</source>
        <translation>上一布局</translation>
    </message>
    <message>
        <source>Edit layouts…</source>
        <translation>编辑布局…</translation>
    </message>
    <message>
        <source>Next view</source>
        <translation>下一视图</translation>
    </message>
    <message>
        <source>Previous view</source>
        <translation>上一视图</translation>
    </message>
    <message>
        <source>Save view</source>
        <translation>保存视图</translation>
    </message>
    <message>
        <source>Delete view…</source>
        <translation>删除视图…</translation>
    </message>
    <message>
        <source>Start / stop tour</source>
        <translation>开始 / 停止轮巡</translation>
    </message>
    <message>
        <source>Pause / resume tour</source>
        <translation>暂停 / 继续轮巡</translation>
    </message>
    <message>
        <source>Find a camera (name, id, grid code)</source>
        <translation>查找监控点（名称、编号、网格码）</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Open a wall on every other screen</source>
        <translation>在其他各屏幕上打开视频墙</translation>
    </message>
    <message>
        <source>中文 / English</source>
        <translation>中文 / English</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>Help</name>
    <message>
        <source>Drag</source>
        <translation>拖动</translation>
    </message>
    <message>
        <source>Mouse and tile numbers</source>
        <translation>鼠标与画面编号</translation>
    </message>
    <message>
        <source>Go to the tile with that number</source>
        <translation>跳到该编号的画面</translation>
    </message>
    <message>
        <source>then</source>
        <translation>再按</translation>
    </message>
    <message>
        <source>Double-click</source>
        <translation>双击</translation>
    </message>
    <message>
        <source>Focus a tile (main stream)</source>
        <translation>放大画面（主码流）</translation>
    </message>
    <message>
        <source>A camera from the tree onto a tile: show it there</source>
        <translation>把监控点拖到画面：在此播放</translation>
    </message>
    <message>
        <source>A tile onto another tile: swap the two</source>
        <translation>把画面拖到另一画面：两者互换</translation>
    </message>
    <message>
        <source>Esc, F1 or a click closes this help</source>
        <translation>按 Esc、F1 或单击关闭本帮助</translation>
    </message>
</context>
<context>
    <name>LayoutEditor</name>
    <message>
        <source>That would overlap big tile {0}: split it first, or drag across all of it.</source>
        <translation>会与大画面 {0} 重叠：请先将其拆分，或拖动覆盖它的全部范围。</translation>
    </message>
</context>
<context>
    <name>LayoutEditorDialog</name>
    <message>
        <source>Layouts</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>名称(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Grid (columns × rows)</source>
        <translation>网格（列 × 行）(&amp;G)</translation>
    </message>
    <message>
        <source>Drag across squares to merge them into one big tile; click a big tile to split it. Keys: arrows move, Shift+arrows mark, Enter merges or splits. The numbers are the order in which the wall fills the tiles.</source>
        <translation>在方格上拖动可合并为一个大画面；单击大画面可将其拆分。按键：方向键移动，Shift+方向键框选，Enter 合并或拆分。数字表示视频墙填充画面的顺序。</translation>
    </message>
    <message>
        <source>e.g. 1 + 12 east gate</source>
        <translation>例如：1+12 东门</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>删除(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Share with every operator of this site</source>
        <translation>与本中心所有座席员共享(&amp;S)</translation>
    </message>
    <message>
        <source>Ne&amp;w</source>
        <translation>新建(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Use on the wall</source>
        <translation>应用到视频墙(&amp;U)</translation>
    </message>
    <message>
        <source>{0} (shared)</source>
        <translation>{0}（共享）</translation>
    </message>
    <message>
        <source>{0} (built-in)</source>
        <translation>{0}（内置）</translation>
    </message>
    <message>
        <source>“{0}” is built in: change it and save it under a new name.</source>
        <translation>“{0}”是内置布局：修改后请另存为新名称。</translation>
    </message>
    <message>
        <source>Opened “{0}”.</source>
        <translation>已打开“{0}”。</translation>
    </message>
    <message>
        <source>Delete layout</source>
        <translation>删除布局</translation>
    </message>
    <message>
        <source>Delete the layout “{0}”?</source>
        <translation>删除布局“{0}”？</translation>
    </message>
    <message>
        <source>Not deleted: {0}</source>
        <translation>未删除：{0}</translation>
    </message>
    <message>
        <source>Deleted “{0}”.</source>
        <translation>已删除“{0}”。</translation>
    </message>
    <message>
        <source>{0} big tile(s) did not fit the smaller grid and were split.</source>
        <translation>有 {0} 个大画面超出缩小后的网格，已拆分。</translation>
    </message>
    <message>
        <source>{0} tiles</source>
        <translation>{0} 分屏</translation>
    </message>
    <message>
        <source>Give the layout a name.</source>
        <translation>请为布局命名。</translation>
    </message>
    <message>
        <source>“{0}” is the name of a built-in layout: choose another name.</source>
        <translation>“{0}”是内置布局的名称，请另选名称。</translation>
    </message>
    <message>
        <source>The tiles do not fit together: {0}</source>
        <translation>画面无法拼合：{0}</translation>
    </message>
    <message>
        <source>There is already a layout “{0}”: press Save again to replace it.</source>
        <translation>已有布局“{0}”：再按一次“保存”即覆盖。</translation>
    </message>
    <message>
        <source>Not saved: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
    <message>
        <source>Saved “{0}”.</source>
        <translation>已保存“{0}”。</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Save view</source>
        <translation>保存视图</translation>
    </message>
    <message>
        <source>Tour</source>
        <translation>轮巡</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>抓拍</translation>
    </message>
    <message>
        <source>Shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>CityWall — {0}</source>
        <translation>CityWall 城市视频墙 — {0}</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>监控点</translation>
    </message>
    <message>
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>s per step</source>
        <translation>秒切换</translation>
    </message>
    <message>
        <source>pages</source>
        <translation>按页</translation>
    </message>
    <message>
        <source>views</source>
        <translation>按视图</translation>
    </message>
    <message>
        <source>No other screen to put a wall on</source>
        <translation>没有其他屏幕可打开视频墙</translation>
    </message>
    <message>
        <source>All cameras</source>
        <translation>全部监控点</translation>
    </message>
    <message>
        <source>{0} (shared)</source>
        <translation>{0}（共享）</translation>
    </message>
    <message>
        <source>{0} tiles</source>
        <translation>{0} 分屏</translation>
    </message>
    <message>
        <source>View not saved</source>
        <translation>视图未保存</translation>
    </message>
    <message>
        <source>View “{0}” saved</source>
        <translation>视图“{0}”已保存</translation>
    </message>
    <message>
        <source>Delete view</source>
        <translation>删除视图</translation>
    </message>
    <message>
        <source>Delete the view “{0}”?</source>
        <translation>删除视图“{0}”？</translation>
    </message>
    <message>
        <source>View not deleted</source>
        <translation>视图未删除</translation>
    </message>
    <message>
        <source>Select a tile with a picture first</source>
        <translation>请先选中有图像的画面</translation>
    </message>
    <message>
        <source>Snapshot not saved</source>
        <translation>抓拍未保存</translation>
    </message>
    <message>
        <source>Snapshot saved: {0}</source>
        <translation>抓拍已保存：{0}</translation>
    </message>
    <message>
        <source>{0}/{1} live</source>
        <translation>在线 {0}/{1}</translation>
    </message>
    <message>
        <source>{0} with problems</source>
        <translation>异常 {0}</translation>
    </message>
    <message>
        <source>page {0}/{1}</source>
        <translation>第 {0}/{1} 页</translation>
    </message>
    <message>
        <source>focused: {0} (Esc to go back)</source>
        <translation>放大：{0}（Esc 返回）</translation>
    </message>
    <message>
        <source>tour paused</source>
        <translation>轮巡已暂停</translation>
    </message>
    <message>
        <source>touring</source>
        <translation>轮巡中</translation>
    </message>
    <message>
        <source>CityWall — wall {0}</source>
        <translation>CityWall — 视频墙 {0}</translation>
    </message>
</context>
<context>
    <name>SaveViewDialog</name>
    <message>
        <source>Save view</source>
        <translation>保存视图</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>名称(&amp;N)</translation>
    </message>
    <message>
        <source>e.g. Station square, night</source>
        <translation>例如：站前广场夜间</translation>
    </message>
    <message>
        <source>&amp;Share with every operator of this site</source>
        <translation>与本中心所有座席员共享(&amp;S)</translation>
    </message>
    <message>
        <source>Every operator of this site will see it in their list of views.</source>
        <translation>本中心所有座席员都会在视图列表中看到它。</translation>
    </message>
    <message>
        <source>Only you will see it.</source>
        <translation>仅自己可见。</translation>
    </message>
</context>
<context>
    <name>Snapshot</name>
    <message>
        <source>Snapshot not saved: the frame has no capture time</source>
        <translation>抓拍未保存：该帧没有采集时间</translation>
    </message>
    <message>
        <source>Captured {0}</source>
        <translation>采集时间 {0}</translation>
    </message>
    <message>
        <source>Snapshot not saved: the tile has no picture</source>
        <translation>抓拍未保存：该画面没有图像</translation>
    </message>
    <message>
        <source>Snapshot not saved: the tile shows no camera</source>
        <translation>抓拍未保存：该画面未放置监控点</translation>
    </message>
    <message>
        <source>Snapshot not saved: PNG encoding failed: {0}</source>
        <translation>抓拍未保存：PNG 编码失败：{0}</translation>
    </message>
    <message>
        <source>Snapshot not saved in {0}: {1}</source>
        <translation>抓拍未能保存到 {0}：{1}</translation>
    </message>
</context>
<context>
    <name>Tree</name>
    <message>
        <source>Find camera: name, id or grid code</source>
        <translation>查找监控点：名称、编号或网格码</translation>
    </message>
    <message>
        <source>Not grouped</source>
        <translation>未分组</translation>
    </message>
</context>
<context>
    <name>Wall</name>
    <message>
        <source>LIVE</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>CONNECTING</source>
        <translation>连接中</translation>
    </message>
    <message>
        <source>STALLED</source>
        <translation>卡顿</translation>
    </message>
    <message>
        <source>RECONNECTING</source>
        <translation>重连中</translation>
    </message>
    <message>
        <source>OFFLINE</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>NOT SHOWN</source>
        <translation>未显示</translation>
    </message>
    <message>
        <source>main stream</source>
        <translation>主码流</translation>
    </message>
    <message>
        <source>NO NEW PICTURE</source>
        <translation>画面停滞</translation>
    </message>
    <message>
        <source>last picture {0:.0f} s ago</source>
        <translation>最后一帧在 {0:.0f} 秒前</translation>
    </message>
    <message>
        <source>since {0}</source>
        <translation>自 {0} 起</translation>
    </message>
    <message>
        <source>drop a camera here</source>
        <translation>拖入监控点</translation>
    </message>
    <message>
        <source>Tile {0}</source>
        <translation>画面 {0}</translation>
    </message>
    <message>
        <source>There is no tile {0}</source>
        <translation>没有画面 {0}</translation>
    </message>
</context>
</TS>
